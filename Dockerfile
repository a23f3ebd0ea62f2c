# syntax=docker/dockerfile:1
#
# Wearhouse container image: one `wearhouse` binary with the web dashboard embedded.
#
#   docker build -t wearhouse .          (BuildKit, the default since Docker 23, for the cache mounts)
#   docker run -p 8080:8080 -v wearhouse-data:/var/lib/wearhouse wearhouse
#
# Without WEARHOUSE_DATABASE_URL the server keeps SQLite in /var/lib/wearhouse (the volume); with
# postgres://… it uses PostgreSQL. Any key of wearhouse.example.toml can be set as WEARHOUSE_<KEY>
# (nested keys joined by "__"), or put in /var/lib/wearhouse/wearhouse.toml (read from the working
# directory), or in any file named by WEARHOUSE_CONFIG. See compose.yaml for a multi-process layout.

ARG RUST_VERSION=1.95

# Node.js 20 and npm for the dashboard build (crates/web/build.rs runs `npm ci` and `npm run build` in
# release builds). Debian bookworm's nodejs is 18, older than Angular 21 accepts (engines: ^20.19), so
# both are taken from the official Node image instead.
FROM node:20-bookworm-slim AS node

FROM rust:${RUST_VERSION}-bookworm AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
    && node --version \
    && npm --version
WORKDIR /app
COPY . .
# The target folder lives in a cache mount (kept between builds, absent from the image), so the binary
# is copied out of it in the same step. The Cargo registry and npm's download cache are kept too.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/root/.npm \
    --mount=type=cache,target=/app/target \
    cargo build --release --locked -p wearhouse \
    && install -D -m 0755 target/release/wearhouse /out/wearhouse

FROM debian:bookworm-slim AS runtime
# Unpinned on purpose (DL3008): these come from bookworm's own archive, whose security updates should
# reach every rebuild, and Debian removes superseded package revisions, so exact pins would break
# builds. curl is for the HEALTHCHECK; ca-certificates lets outgoing TLS connections verify servers.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 wearhouse \
    && useradd --system --uid 10001 --gid wearhouse --home-dir /var/lib/wearhouse --no-create-home \
        --shell /usr/sbin/nologin wearhouse \
    && install -d -o wearhouse -g wearhouse -m 0750 /var/lib/wearhouse
COPY --from=build /out/wearhouse /usr/local/bin/wearhouse
ENV WEARHOUSE_LISTEN=0.0.0.0:8080 \
    WEARHOUSE_DATA_DIR=/var/lib/wearhouse
WORKDIR /var/lib/wearhouse
# Numeric, so that runtimes which check for a non-root user (Kubernetes runAsNonRoot) can tell.
USER 10001:10001
EXPOSE 8080
# The SQLite database (when no database URL is set) and uploads waiting to be imported (imports/).
VOLUME ["/var/lib/wearhouse"]
# /healthz answers while the process serves HTTP (/readyz also checks the database). The port is the
# one WEARHOUSE_LISTEN sets above: change both together.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["wearhouse"]
CMD ["serve"]
