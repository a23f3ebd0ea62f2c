//! SQLite's rollup reads, on the native connections (see `native`): the summary and series views read
//! hundreds to thousands of rollup rows per request, where sqlx's per-row hand-off between threads cost
//! more than SQLite's own work (a year of daily rows: ~5,500 rows).

use wearhouse_model::{Metric, UserId};

use super::native::NativeSqlite;
use crate::{DailyRollup, HourlyRollup, SleepRollup, StoreError, WorkoutSpan};

fn metric_of(code: i16, table: &str) -> Result<Metric, StoreError> {
    Metric::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("{table}.metric: unknown code {code}")))
}

fn day_of(day: i64, table: &str) -> Result<i32, StoreError> {
    i32::try_from(day).map_err(|_| StoreError::Corrupt(format!("{table}.day: {day}")))
}

impl NativeSqlite {
    pub(crate) async fn daily_rollups(
        self: &std::sync::Arc<Self>,
        user: &UserId,
        from_day: i32,
        to_day: i32,
    ) -> Result<Vec<DailyRollup>, StoreError> {
        let user = user.as_str().to_owned();
        // The key is (user, metric, day): naming every metric lets SQLite seek one day range per metric
        // instead of scanning all the user's years, and reading in key order spares it a sort of the
        // rows (its sorter showed in profiles); they are put in (day, metric) order below.
        let query = format!(
            "SELECT metric, day, total, minimum, maximum, count FROM daily_rollups \
             WHERE user_id = ?1 AND metric IN ({}) AND day BETWEEN ?2 AND ?3 ORDER BY metric, day",
            Metric::ALL
                .iter()
                .map(|m| m.code().to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        let rows: Vec<(i16, i64, f64, f64, f64, i64)> = self
            .run(move |conn| {
                conn.prepare_cached(&query)?
                    .query_map(rusqlite::params![user, from_day, to_day], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        let mut rollups = rows
            .into_iter()
            .map(|(metric, day, total, minimum, maximum, count)| {
                Ok(DailyRollup {
                    metric: metric_of(metric, "daily_rollups")?,
                    day: day_of(day, "daily_rollups")?,
                    total,
                    minimum,
                    maximum,
                    count,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        rollups.sort_unstable_by_key(|r| (r.day, r.metric.code()));
        Ok(rollups)
    }

    pub(crate) async fn sleep_rollups(
        self: &std::sync::Arc<Self>,
        user: &UserId,
        from_day: i32,
        to_day: i32,
    ) -> Result<Vec<SleepRollup>, StoreError> {
        let user = user.as_str().to_owned();
        type Row = (i64, i64, f64, f64, f64, f64, f64, f64, f64);
        let rows: Vec<Row> = self
            .run(move |conn| {
                conn.prepare_cached(
                    "SELECT day, sessions, in_bed, asleep, awake, unspecified, core, deep, rem FROM daily_sleep \
                     WHERE user_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day",
                )?
                .query_map(rusqlite::params![user, from_day, to_day], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        rows.into_iter()
            .map(
                |(day, sessions, in_bed, asleep, awake, unspecified, core, deep, rem)| {
                    Ok(SleepRollup {
                        day: day_of(day, "daily_sleep")?,
                        sessions,
                        in_bed,
                        asleep,
                        awake,
                        unspecified,
                        core,
                        deep,
                        rem,
                    })
                },
            )
            .collect()
    }

    pub(crate) async fn workout_spans(
        self: &std::sync::Arc<Self>,
        user: &UserId,
        from: i64,
        to: i64,
    ) -> Result<Vec<WorkoutSpan>, StoreError> {
        let user = user.as_str().to_owned();
        // The same activities as `activities_between`; offset and distance are read out of the document
        // in SQL (the document, not the `distance` column kept for sorting, whose double can differ in
        // the last bit and round the other way), so a year of workouts costs a few hundred short rows,
        // not a few hundred documents parsed into activities.
        let earliest = from.saturating_sub(wearhouse_model::activity::MAX_ACTIVITY_DAYS * 86_400);
        self.run(move |conn| {
            conn.prepare_cached(
                "SELECT start_s, end_s, json_extract(body, '$.offset_minutes'), json_extract(body, '$.distance') \
                 FROM activities \
                 WHERE user_id = ?1 AND deleted_at IS NULL AND merged_into IS NULL \
                 AND start_s >= ?2 AND start_s < ?3 AND end_s > ?4 ORDER BY start_s, id",
            )?
            .query_map(rusqlite::params![user, earliest, to, from], |r| {
                Ok(WorkoutSpan {
                    start: r.get(0)?,
                    end: r.get(1)?,
                    offset_minutes: r.get(2)?,
                    distance: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })
        .await
    }

    pub(crate) async fn hourly_rollups(
        self: &std::sync::Arc<Self>,
        user: &UserId,
        metric: Metric,
        from_hour: i64,
        to_hour: i64,
    ) -> Result<Vec<HourlyRollup>, StoreError> {
        let user = user.as_str().to_owned();
        let code = metric.code();
        let rows: Vec<(i64, f64, f64, f64, i64, String)> = self
            .run(move |conn| {
                conn.prepare_cached(
                    "SELECT hour, total, minimum, maximum, count, sources FROM hourly_rollups \
                     WHERE user_id = ?1 AND metric = ?2 AND hour BETWEEN ?3 AND ?4 ORDER BY hour",
                )?
                .query_map(rusqlite::params![user, code, from_hour, to_hour], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        rows.into_iter()
            .map(|(hour, total, minimum, maximum, count, sources)| {
                Ok(HourlyRollup {
                    metric,
                    hour,
                    total,
                    minimum,
                    maximum,
                    count,
                    sources: super::rollups::parse_source_list(&sources)?,
                })
            })
            .collect()
    }
}
