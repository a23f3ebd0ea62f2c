//! HTTP integration suite: each test starts the real application (same wiring as `wearhouse serve`)
//! on a random port with a fresh database, and drives it over HTTP. SQLite by default; PostgreSQL when
//! `WEARHOUSE_TEST_DATABASE_URL` is set (and then it must be reachable).

// Test code: a failed unwrap is a failed test, in helpers as much as in test bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod activities;
mod activity_routes;
mod admin;
mod attribution;
mod auth;
mod bare_files;
mod compression;
mod conventions;
mod dashboard;
mod events;
mod figures;
mod fitbit_extras;
mod floating_time;
mod garmin_export;
mod gateway;
mod harness;
mod imports;
mod jobs;
#[path = "../live/mod.rs"]
mod live;
mod me;
mod mfa;
mod oura_export;
mod preferences;
mod recordings;
mod response_cache;
mod routes;
mod samples;
mod sessions;
mod strava_export;
mod streams;
mod summaries;
mod time_zones;
mod traces;
mod upgrade;
mod uploads;
mod whoop_export;
mod withings_export;
