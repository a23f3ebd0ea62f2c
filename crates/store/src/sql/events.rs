//! `EventStore` in SQL common to both backends.

/// The columns of an event, in [`EventRow`]'s order.
pub(crate) const EVENT_COLUMNS: &str =
    "id, event_id, type, version, user_id, occurred_at, data, published_at";

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    id: i64,
    event_id: String,
    #[sqlx(rename = "type")]
    kind: String,
    version: i32,
    user_id: Option<String>,
    occurred_at: i64,
    data: String,
    published_at: Option<i64>,
}

impl TryFrom<EventRow> for crate::StoredEvent {
    type Error = crate::StoreError;

    fn try_from(r: EventRow) -> Result<Self, Self::Error> {
        use crate::time::from_micros;
        Ok(crate::StoredEvent {
            seq: r.id,
            id: r.event_id,
            kind: r.kind,
            version: r.version,
            user: r.user_id,
            occurred_at: from_micros(r.occurred_at)?,
            data: r.data,
            published_at: r.published_at.map(from_micros).transpose()?,
        })
    }
}

pub(crate) fn events(rows: Vec<EventRow>) -> Result<Vec<crate::StoredEvent>, crate::StoreError> {
    rows.into_iter().map(TryInto::try_into).collect()
}

macro_rules! impl_event_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::EventStore for $store {
            async fn unpublished(&self, limit: u32) -> Result<Vec<$crate::StoredEvent>, $crate::StoreError> {
                let sql = format!(
                    "SELECT {} FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1",
                    $crate::sql::events::EVENT_COLUMNS
                );
                let rows: Vec<$crate::sql::events::EventRow> = sqlx::query_as(&sql)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                $crate::sql::events::events(rows)
            }

            async fn mark_published(
                &self,
                seqs: &[i64],
                at: jiff::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                let at = $crate::time::to_micros(at);
                for chunk in seqs.chunks(1000) {
                    let mut update = sqlx::QueryBuilder::<$db>::new("UPDATE outbox SET published_at = ");
                    update.push_bind(at);
                    update.push(" WHERE id IN (");
                    let mut ids = update.separated(", ");
                    for seq in chunk {
                        ids.push_bind(*seq);
                    }
                    update.push(")");
                    update.build().execute(&self.pool).await?;
                }
                Ok(())
            }

            async fn user_events(
                &self,
                user: &wearhouse_model::UserId,
                after: i64,
                limit: u32,
            ) -> Result<Vec<$crate::StoredEvent>, $crate::StoreError> {
                let sql = format!(
                    "SELECT {} FROM outbox WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                    $crate::sql::events::EVENT_COLUMNS
                );
                let rows: Vec<$crate::sql::events::EventRow> = sqlx::query_as(&sql)
                    .bind(user.as_str())
                    .bind(after)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                $crate::sql::events::events(rows)
            }

            async fn prune_events(&self, before: jiff::Timestamp) -> Result<u64, $crate::StoreError> {
                Ok(
                    sqlx::query("DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < $1")
                        .bind($crate::time::to_micros(before))
                        .execute(&self.pool)
                        .await?
                        .rows_affected(),
                )
            }
        }
    };
}
