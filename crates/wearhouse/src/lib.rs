//! The `wearhouse` binary's library half: configuration, wiring and subcommands, shared with the
//! integration tests so they start exactly what `wearhouse serve` starts.

pub mod bootstrap;
pub mod cli;
pub mod commands;
pub mod config;
pub mod gateway;
pub mod roles;
pub mod telemetry;
