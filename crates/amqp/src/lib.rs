//! Events on RabbitMQ (`WEARHOUSE_AMQP_URL`): the outbox's publisher sends each event to the durable
//! fanout exchange `wearhouse.events` as a persistent message and waits for the broker's confirms
//! before the events count as published; every process binds a queue of its own to the exchange and
//! hands what arrives to its local subscribers (live streams), so an event published through any
//! process reaches clients connected to any other. Any outside program can bind its own queue and
//! receive them too.
//!
//! Failures: a publish that fails or is not confirmed leaves the events unpublished in the outbox; the
//! job fails and runs again with the queue's backoff, reconnecting first. The subscription reconnects
//! by itself with a growing pause.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, ConfirmSelectOptions,
    ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::publisher_confirm::Confirmation;
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, Consumer, ExchangeKind};
use tokio::sync::{broadcast, Mutex};
use wearhouse_services::events::{Event, EventBus, LocalBus};

pub mod testing;

/// The exchange every event goes to.
pub const EXCHANGE: &str = "wearhouse.events";
/// The notifier role's queue: durable, so events published while no notifier runs wait for one.
pub const NOTIFIER_QUEUE: &str = "wearhouse.notifier";

#[derive(Debug, thiserror::Error)]
pub enum AmqpError {
    #[error("RabbitMQ at {url}: {source}")]
    Broker {
        url: String,
        #[source]
        source: lapin::Error,
    },
    #[error("RabbitMQ at {url}: no answer within 10 s")]
    Timeout { url: String },
}

/// The URL as it may be shown (without a password).
pub fn shown_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

fn properties() -> ConnectionProperties {
    ConnectionProperties::default()
        .with_executor(tokio_executor_trait::Tokio::current())
        .with_reactor(tokio_reactor_trait::Tokio)
}

/// Connects and declares the exchange (durable, so it and the queues bound to it outlive restarts).
pub(crate) async fn open(url: &str) -> Result<(Connection, Channel), lapin::Error> {
    let connection = Connection::connect(url, properties()).await?;
    let channel = connection.create_channel().await?;
    channel
        .exchange_declare(
            EXCHANGE,
            ExchangeKind::Fanout,
            ExchangeDeclareOptions {
                durable: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    Ok((connection, channel))
}

/// The bus on RabbitMQ: publishes there, and delivers what arrives from there to this process's
/// subscribers.
pub struct AmqpBus {
    url: String,
    /// The publishing channel (confirms on), opened again after a failure.
    publisher: Mutex<Option<(Connection, Channel)>>,
    local: Arc<LocalBus>,
    subscription: tokio::task::JoinHandle<()>,
}

impl AmqpBus {
    /// Connects (failing at once, in one line, when the broker cannot be reached), declares the
    /// exchange and starts this process's subscription.
    pub async fn connect(url: &str) -> Result<Self, AmqpError> {
        let err = |source| AmqpError::Broker {
            url: shown_url(url),
            source,
        };
        let timeout = || AmqpError::Timeout { url: shown_url(url) };
        let (connection, channel) = tokio::time::timeout(Duration::from_secs(10), open(url))
            .await
            .map_err(|_| timeout())?
            .map_err(err)?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(err)?;
        let local = Arc::new(LocalBus::new());
        let (ready, subscribed) = tokio::sync::oneshot::channel();
        let subscription = tokio::spawn(subscribe(url.to_owned(), local.clone(), Some(ready)));
        if tokio::time::timeout(Duration::from_secs(10), subscribed)
            .await
            .is_err()
        {
            subscription.abort();
            return Err(timeout());
        }
        Ok(Self {
            url: url.to_owned(),
            publisher: Mutex::new(Some((connection, channel))),
            local,
            subscription,
        })
    }

    async fn publish_on(channel: &Channel, events: &[Arc<Event>]) -> Result<(), String> {
        let mut confirms = Vec::with_capacity(events.len());
        for event in events {
            let body = serde_json::to_vec(&**event).map_err(|e| e.to_string())?;
            let mut headers = FieldTable::default();
            headers.insert(SEQ_HEADER.into(), AMQPValue::LongLongInt(event.seq));
            let properties = BasicProperties::default()
                .with_headers(headers)
                .with_delivery_mode(2)
                .with_content_type("application/json".into())
                .with_message_id(event.id.clone().into())
                .with_type(event.kind.clone().into());
            let confirm = channel
                .basic_publish(EXCHANGE, "", BasicPublishOptions::default(), &body, properties)
                .await
                .map_err(|e| e.to_string())?;
            confirms.push(confirm);
        }
        for confirm in confirms {
            match confirm.await.map_err(|e| e.to_string())? {
                Confirmation::Ack(_) => {}
                Confirmation::Nack(_) => return Err("the broker refused an event (nack)".into()),
                Confirmation::NotRequested => return Err("the channel does not confirm".into()),
            }
        }
        Ok(())
    }
}

impl Drop for AmqpBus {
    fn drop(&mut self) {
        self.subscription.abort();
    }
}

#[async_trait]
impl EventBus for AmqpBus {
    async fn publish(&self, events: &[Arc<Event>]) -> Result<(), String> {
        let mut publisher = self.publisher.lock().await;
        if publisher.is_none() {
            let (connection, channel) = open(&self.url)
                .await
                .map_err(|e| format!("RabbitMQ at {}: {e}", shown_url(&self.url)))?;
            channel
                .confirm_select(ConfirmSelectOptions::default())
                .await
                .map_err(|e| e.to_string())?;
            *publisher = Some((connection, channel));
        }
        let Some((_, channel)) = publisher.as_ref() else {
            return Err("no channel".into());
        };
        let published = Self::publish_on(channel, events).await;
        if published.is_err() {
            // Opened afresh by the next attempt (the job's retry, after its backoff).
            *publisher = None;
        }
        published
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.local.subscribe()
    }
}

/// Receives every event from the exchange through a queue of this process's own (exclusive, deleted
/// with the connection) and hands it to `local`, until aborted; reconnects after a pause that grows to
/// 30 s. `ready` fires once the first subscription is in place.
async fn subscribe(url: String, local: Arc<LocalBus>, mut ready: Option<tokio::sync::oneshot::Sender<()>>) {
    let mut pause = Duration::from_secs(1);
    loop {
        match consume(&url, &local, &mut ready).await {
            Ok(()) => pause = Duration::from_secs(1),
            Err(e) => {
                tracing::warn!(error = %e, broker = %shown_url(&url), "event subscription lost; reconnecting");
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(30));
    }
}

/// A queue of the connection's own (exclusive: deleted with it) bound to the exchange, and a consumer
/// on it that needs no acknowledgements.
pub(crate) async fn exclusive_queue(channel: &Channel, tag: &str) -> Result<Consumer, lapin::Error> {
    let queue = channel
        .queue_declare(
            "",
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_bind(
            queue.name().as_str(),
            EXCHANGE,
            "",
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    channel
        .basic_consume(
            queue.name().as_str(),
            tag,
            BasicConsumeOptions {
                no_ack: true,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await
}

/// The header carrying an event's place in the outbox, which the envelope leaves out: a resumable
/// stream (`GET /api/v1/events`) in another process numbers its events with it.
const SEQ_HEADER: &str = "x-wearhouse-seq";

fn seq_of(properties: &BasicProperties) -> i64 {
    properties
        .headers()
        .as_ref()
        .and_then(|headers| headers.inner().get(&ShortString::from(SEQ_HEADER)))
        .and_then(|value| match value {
            AMQPValue::LongLongInt(seq) => Some(*seq),
            _ => None,
        })
        .unwrap_or_default()
}

async fn consume(
    url: &str,
    local: &LocalBus,
    ready: &mut Option<tokio::sync::oneshot::Sender<()>>,
) -> Result<(), lapin::Error> {
    let (_connection, channel) = open(url).await?;
    let mut deliveries = exclusive_queue(&channel, "wearhouse-local").await?;
    if let Some(ready) = ready.take() {
        let _ = ready.send(());
    }
    while let Some(delivery) = deliveries.next().await {
        let delivery = delivery?;
        match serde_json::from_slice::<Event>(&delivery.data) {
            Ok(mut event) => {
                event.seq = seq_of(&delivery.properties);
                local.deliver(Arc::new(event))
            }
            Err(e) => tracing::warn!(error = %e, "an event from the broker does not parse; dropped"),
        }
    }
    Ok(())
}

/// Receives every event from the durable queue `queue` (declared and bound to the exchange when new),
/// calling `handle` with each and acknowledging it after, so an event a stopped process had not
/// handled is delivered again (to it or to another process consuming the same queue); until aborted,
/// reconnecting after a pause that grows to 30 s.
pub fn consume_durable(
    url: String,
    queue: String,
    handle: Arc<dyn Fn(&Event) + Send + Sync>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut pause = Duration::from_secs(1);
        loop {
            if let Err(e) = consume_acknowledged(&url, &queue, &*handle).await {
                tracing::warn!(error = %e, broker = %shown_url(&url), queue = %queue, "event queue lost; reconnecting");
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(30));
        }
    })
}

async fn consume_acknowledged(
    url: &str,
    queue: &str,
    handle: &(dyn Fn(&Event) + Send + Sync),
) -> Result<(), lapin::Error> {
    let (_connection, channel) = open(url).await?;
    // A bounded number of unacknowledged deliveries in flight.
    channel.basic_qos(64, BasicQosOptions::default()).await?;
    channel
        .queue_declare(
            queue,
            QueueDeclareOptions {
                durable: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_bind(
            queue,
            EXCHANGE,
            "",
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let mut deliveries = channel
        .basic_consume(
            queue,
            "wearhouse-notifier",
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    while let Some(delivery) = deliveries.next().await {
        let delivery = delivery?;
        match serde_json::from_slice::<Event>(&delivery.data) {
            Ok(event) => handle(&event),
            Err(e) => tracing::warn!(error = %e, "an event from the broker does not parse; dropped"),
        }
        delivery.ack(BasicAckOptions::default()).await?;
    }
    Ok(())
}
