//! For tests: what an outside program does to receive Wearhouse's events.

use lapin::{Connection, Consumer};

/// Connects as an outside program would, declares the exchange if no Wearhouse process has yet, and
/// binds a queue of its own: every event published from now on arrives on the consumer, as the
/// envelope in JSON (see docs/events.md). Keep the connection: the queue goes with it.
pub async fn outside_queue(url: &str) -> Result<(Connection, Consumer), lapin::Error> {
    let (connection, channel) = crate::open(url).await?;
    let consumer = crate::exclusive_queue(&channel, "outside").await?;
    Ok((connection, consumer))
}
