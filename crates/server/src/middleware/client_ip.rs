//! The client address used for per-IP rate limits.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, Request};

/// The peer address, or the last `X-Forwarded-For` hop when a trusted proxy sits in front (the last
/// hop is the one that proxy appended; earlier ones are client-controlled).
pub fn client_ip<B>(req: &Request<B>, trust_forwarded_for: bool) -> Option<IpAddr> {
    from(req.headers(), req.extensions(), trust_forwarded_for)
}

/// [`client_ip`] for extractors, which see the request's parts.
pub fn client_ip_of_parts(parts: &Parts, trust_forwarded_for: bool) -> Option<IpAddr> {
    from(&parts.headers, &parts.extensions, trust_forwarded_for)
}

fn from(headers: &HeaderMap, extensions: &Extensions, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    extensions.get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip())
}
