//! `PlannedRouteStore` in SQL common to both backends.

macro_rules! impl_planned_route_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::PlannedRouteStore for $store {
            async fn insert_planned_route(
                &self,
                user: &wearhouse_model::UserId,
                import_id: Option<&str>,
                route: &$crate::NewPlannedRoute,
            ) -> Result<bool, $crate::StoreError> {
                let inserted = sqlx::query(
                    "INSERT INTO planned_routes (id, user_id, import_id, content_key, name, description, \
                     distance_m, elevation_gain_m, point_count, points, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (user_id, content_key) DO NOTHING",
                )
                .bind(route.id.as_str())
                .bind(user.as_str())
                .bind(import_id)
                .bind(&route.content_key)
                .bind(&route.name)
                .bind(&route.description)
                .bind(route.distance)
                .bind(route.elevation_gain)
                .bind(route.point_count)
                .bind(&route.points)
                .bind($crate::time::to_micros(route.created_at))
                .execute(&self.pool)
                .await?
                .rows_affected();
                Ok(inserted > 0)
            }

            async fn planned_routes(
                &self,
                user: &wearhouse_model::UserId,
                after: Option<&wearhouse_model::RouteId>,
                limit: u32,
            ) -> Result<Vec<$crate::PlannedRouteRecord>, $crate::StoreError> {
                // Ids are time-ordered: newest first is descending id.
                let rows: Vec<$crate::sql::planned_routes::PlannedRouteRow> = sqlx::query_as(
                    "SELECT id, name, description, distance_m, elevation_gain_m, point_count, import_id, created_at, \
                     '' AS points FROM planned_routes WHERE user_id = $1 AND ($2 IS NULL OR id < $2) \
                     ORDER BY id DESC LIMIT $3",
                )
                .bind(user.as_str())
                .bind(after.map(|a| a.as_str()))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::sql::planned_routes::PlannedRouteRow::record).collect()
            }

            async fn planned_route(
                &self,
                user: &wearhouse_model::UserId,
                id: &wearhouse_model::RouteId,
            ) -> Result<Option<($crate::PlannedRouteRecord, String)>, $crate::StoreError> {
                let row: Option<$crate::sql::planned_routes::PlannedRouteRow> = sqlx::query_as(
                    "SELECT id, name, description, distance_m, elevation_gain_m, point_count, import_id, created_at, points \
                     FROM planned_routes WHERE user_id = $1 AND id = $2",
                )
                .bind(user.as_str())
                .bind(id.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.map(|mut r| {
                    let points = std::mem::take(&mut r.points);
                    Ok((r.record()?, points))
                })
                .transpose()
            }

            async fn delete_planned_route(
                &self,
                user: &wearhouse_model::UserId,
                id: &wearhouse_model::RouteId,
            ) -> Result<bool, $crate::StoreError> {
                let deleted = sqlx::query("DELETE FROM planned_routes WHERE user_id = $1 AND id = $2")
                    .bind(user.as_str())
                    .bind(id.as_str())
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                Ok(deleted > 0)
            }
        }
    };
}

/// A route's row, as both backends return it.
#[derive(sqlx::FromRow)]
pub(crate) struct PlannedRouteRow {
    id: String,
    name: Option<String>,
    description: Option<String>,
    distance_m: f64,
    elevation_gain_m: Option<f64>,
    point_count: i64,
    import_id: Option<String>,
    created_at: i64,
    /// Only when one route is read; empty in listings.
    pub(crate) points: String,
}

impl PlannedRouteRow {
    pub(crate) fn record(self) -> Result<crate::PlannedRouteRecord, crate::StoreError> {
        Ok(crate::PlannedRouteRecord {
            id: wearhouse_model::RouteId::parse(&self.id)
                .map_err(|e| crate::StoreError::Corrupt(format!("planned route id: {}", e.detail)))?,
            name: self.name,
            description: self.description,
            distance: self.distance_m,
            elevation_gain: self.elevation_gain_m,
            point_count: self.point_count,
            import_id: self.import_id,
            created_at: crate::time::from_micros(self.created_at)?,
        })
    }
}
