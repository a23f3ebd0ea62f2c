//! A user's time-zone history: which zone they lived in when, so each past day is the day they
//! lived. The first period covers all time before the next; until a user sets a zone there is no
//! period and days are UTC.
//!
//! A change (a whole new history, or `PATCH /me {time_zone}` meaning "from now on") marks exactly the
//! days whose zone it changes for recomputing, in the transaction that stores it; the rollup worker
//! then recomputes them in the background, and a summary read before it finishes recomputes what it
//! reads first, so every read sees either the old days or the new ones.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use wearhouse_model::{InvalidInput, TimeZoneName};
use wearhouse_store::StoreError;

use crate::accounts::{AccountService, AuthenticatedUser};
use crate::rollups::{zone_history, ZonePeriods};
use crate::{FieldError, ServiceError};

/// The most periods a history may have.
pub const MAX_PERIODS: usize = 500;

/// Attempts at applying a change when another change of the same history committed in between.
const ATTEMPTS: usize = 4;

/// A period as received: `from` is left out for the first, else an RFC 3339 time with an offset or a
/// wall-clock time (`2019-03-01T00:00`) in the period's own zone (the moment of arriving there).
#[derive(Debug, Clone)]
pub struct PeriodInput {
    pub zone: String,
    pub from: Option<String>,
}

/// One period of the history; `from` is `None` for the first, which covers all time before the next.
#[derive(Debug, Clone, PartialEq)]
pub struct ZonePeriod {
    pub zone: TimeZoneName,
    pub from: Option<Timestamp>,
}

/// The history and how far the recompute its last change started has come.
#[derive(Debug, Clone)]
pub struct ZoneHistoryView {
    /// Whether the user has set a zone; without one, days are UTC.
    pub set: bool,
    pub periods: Vec<ZonePeriod>,
    /// Local days (of any metric) still waiting to be recomputed; 0 when every day is current.
    pub pending_days: u64,
}

/// The UTC days (since 1970-01-01, inclusive) of the instants whose zone differs between two
/// histories.
fn changed_days(
    before: &[(Timestamp, TimeZoneName)],
    after: &[(Timestamp, TimeZoneName)],
) -> Vec<(i64, i64)> {
    let day = |t: Timestamp| t.as_second().div_euclid(86_400);
    zone_history(before.to_vec())
        .differences(&zone_history(after.to_vec()))
        .into_iter()
        .map(|(from, until)| (day(from), day(until)))
        .collect()
}

fn periods_of(stored: &[(Timestamp, TimeZoneName)]) -> Vec<ZonePeriod> {
    stored
        .iter()
        .enumerate()
        .map(|(i, (from, zone))| ZonePeriod {
            zone: zone.clone(),
            from: (i > 0).then_some(*from),
        })
        .collect()
}

/// `from` as a moment: with an offset as given, else the wall-clock time in `zone` (a time skipped by
/// a clock change counts as the first moment after it).
fn parse_from(raw: &str, zone: &TimeZoneName) -> Result<Timestamp, InvalidInput> {
    let invalid = || {
        InvalidInput::new(
            "invalid_from",
            format!("'{raw}' is not a time such as 2019-03-01T00:00 or 2019-03-01T00:00:00+01:00"),
        )
    };
    if let Ok(at) = raw.parse::<Timestamp>() {
        return Ok(at);
    }
    let civil: DateTime = raw.parse().map_err(|_| invalid())?;
    let tz = TimeZone::get(zone.as_str()).map_err(|_| invalid())?;
    tz.to_ambiguous_zoned(civil)
        .later()
        .map(|z| z.timestamp())
        .map_err(|_| invalid())
}

/// Validates a whole history, naming every bad field (`periods[2].from`).
fn validate(input: &[PeriodInput], now: Timestamp) -> Result<ZonePeriods, ServiceError> {
    let mut errors = Vec::new();
    if input.is_empty() {
        errors.push(FieldError::new(
            "periods",
            InvalidInput::new("no_periods", "a history needs at least one period"),
        ));
    }
    if input.len() > MAX_PERIODS {
        errors.push(FieldError::new(
            "periods",
            InvalidInput::new("too_many_periods", format!("at most {MAX_PERIODS} periods")),
        ));
    }
    let mut stored: ZonePeriods = Vec::with_capacity(input.len());
    let mut previous: Option<(Timestamp, TimeZoneName)> = None;
    for (i, period) in input.iter().enumerate() {
        let zone = match TimeZoneName::parse(&period.zone) {
            Ok(zone) => zone,
            Err(e) => {
                errors.push(FieldError::new(format!("periods[{i}].zone"), e));
                previous = None;
                continue;
            }
        };
        let field = format!("periods[{i}].from");
        let from = match (i, &period.from) {
            (0, None) => Timestamp::MIN,
            (0, Some(_)) => {
                errors.push(FieldError::new(
                    field,
                    InvalidInput::new(
                        "first_period_from",
                        "the first period covers all time before the next one: leave its 'from' out",
                    ),
                ));
                continue;
            }
            (_, None) => {
                errors.push(FieldError::new(
                    field,
                    InvalidInput::new("missing_from", "every period after the first says when it starts"),
                ));
                continue;
            }
            (_, Some(raw)) => match parse_from(raw, &zone) {
                Ok(at) => at,
                Err(e) => {
                    errors.push(FieldError::new(field, e));
                    continue;
                }
            },
        };
        if from > now {
            errors.push(FieldError::new(
                field.clone(),
                InvalidInput::new("from_in_future", "a period cannot start in the future"),
            ));
        }
        if let Some((before, before_zone)) = &previous {
            if from <= *before {
                errors.push(FieldError::new(
                    field.clone(),
                    InvalidInput::new(
                        "periods_out_of_order",
                        "each period must start after the one before it",
                    ),
                ));
            } else if *before_zone == zone {
                errors.push(FieldError::new(
                    format!("periods[{i}].zone"),
                    InvalidInput::new(
                        "same_zone_twice",
                        format!(
                            "the period before is in {} too: leave this one out",
                            zone.as_str()
                        ),
                    ),
                ));
            }
        }
        previous = Some((from, zone.clone()));
        stored.push((from, zone));
    }
    if errors.is_empty() {
        Ok(stored)
    } else {
        Err(ServiceError::Invalid(errors))
    }
}

impl AccountService {
    /// The signed-in user's time-zone history.
    pub async fn time_zones(&self, actor: &AuthenticatedUser) -> Result<ZoneHistoryView, ServiceError> {
        let stored = self.store.accounts.zone_history(actor.id()).await?;
        self.history_view(actor, &stored).await
    }

    async fn history_view(
        &self,
        actor: &AuthenticatedUser,
        stored: &[(Timestamp, TimeZoneName)],
    ) -> Result<ZoneHistoryView, ServiceError> {
        let mut days: Vec<i64> = self
            .store
            .rollups
            .dirty_days(actor.id())
            .await?
            .into_iter()
            .map(|(_, day, _)| i64::from(day))
            .collect();
        days.sort_unstable();
        days.dedup();
        Ok(ZoneHistoryView {
            set: !stored.is_empty(),
            periods: periods_of(stored),
            pending_days: days.len() as u64,
        })
    }

    /// Replaces the whole history, then recomputes the days whose zone it changes.
    pub async fn replace_time_zones(
        &self,
        actor: &AuthenticatedUser,
        input: &[PeriodInput],
    ) -> Result<ZoneHistoryView, ServiceError> {
        let now = self.clock.now();
        let wanted = validate(input, now)?;
        self.change_history(actor, |_| Some(wanted.clone()), now).await?;
        self.time_zones(actor).await
    }

    /// `PATCH /me {time_zone}`: the zone from now on. The first zone a user sets covers their whole
    /// past; setting the zone already in force changes nothing.
    pub(crate) async fn set_current_zone(
        &self,
        actor: &AuthenticatedUser,
        zone: TimeZoneName,
        now: Timestamp,
    ) -> Result<(), ServiceError> {
        self.change_history(
            actor,
            |stored| match stored.last() {
                None => Some(vec![(Timestamp::MIN, zone.clone())]),
                Some((_, current)) if *current == zone => None,
                Some((from, _)) => {
                    let mut periods = stored.to_vec();
                    // Two changes within one microsecond: the later replaces the earlier.
                    if *from >= now {
                        periods.pop();
                    }
                    periods.push((now, zone.clone()));
                    Some(periods)
                }
            },
            now,
        )
        .await
    }

    /// Applies `change` (the new history from the stored one; `None`: nothing to do) atomically with
    /// the marks of the days it changes, again from a fresh read when another change came first.
    async fn change_history(
        &self,
        actor: &AuthenticatedUser,
        change: impl Fn(&[(Timestamp, TimeZoneName)]) -> Option<ZonePeriods>,
        now: Timestamp,
    ) -> Result<(), ServiceError> {
        for _ in 0..ATTEMPTS {
            let stored = self.store.accounts.zone_history(actor.id()).await?;
            let Some(wanted) = change(&stored) else {
                return Ok(());
            };
            let days = changed_days(&stored, &wanted);
            match self
                .store
                .accounts
                .replace_zone_history(actor.id(), &stored, &wanted, &days, now)
                .await
            {
                Ok((user, marked)) => {
                    tracing::info!(user = %actor.id(), periods = wanted.len(), marked, "time-zone history replaced");
                    self.remember(user).await;
                    return Ok(());
                }
                Err(StoreError::Conflict { what: "zone_history" }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ServiceError::conflict(
            "time_zones_busy",
            "the time-zone history kept changing while this change was applied; try again",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn period(zone: &str, from: Option<&str>) -> PeriodInput {
        PeriodInput {
            zone: zone.into(),
            from: from.map(Into::into),
        }
    }

    fn codes(err: ServiceError) -> Vec<(String, String)> {
        match err {
            ServiceError::Invalid(errors) => errors
                .into_iter()
                .map(|e| (e.field.to_string(), e.code.to_string()))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_wall_clock_start_is_in_the_zone_arrived_in() {
        let now = at("2026-12-07T10:00:00Z");
        let stored = validate(
            &[
                period("Australia/Sydney", None),
                period("Europe/Berlin", Some("2019-03-01T00:00")),
                period("America/New_York", Some("2024-01-01T09:30:00-05:00")),
            ],
            now,
        )
        .unwrap();
        assert_eq!(stored[0].0, Timestamp::MIN);
        assert_eq!(
            stored[1].0,
            at("2019-02-28T23:00:00Z"),
            "midnight in Berlin (UTC+1)"
        );
        assert_eq!(stored[2].0, at("2024-01-01T14:30:00Z"));
        // 02:30 on the night clocks spring forward in Berlin does not exist: the moment after the gap.
        let gap = validate(
            &[
                period("UTC", None),
                period("Europe/Berlin", Some("2025-03-30T02:30")),
            ],
            now,
        )
        .unwrap();
        assert_eq!(gap[1].0, at("2025-03-30T01:30:00Z"));
    }

    #[test]
    fn every_bad_period_is_named() {
        let now = at("2026-12-07T10:00:00Z");
        let err = validate(
            &[
                period("Europe/Berlin", Some("2019-01-01T00:00")),
                period("Mars/Olympus", Some("2020-01-01T00:00")),
                period("Europe/Paris", None),
                period("Asia/Tokyo", Some("yesterday")),
                period("Asia/Tokyo", Some("2030-01-01T00:00")),
            ],
            now,
        )
        .unwrap_err();
        assert_eq!(
            codes(err),
            [
                ("periods[0].from", "first_period_from"),
                ("periods[1].zone", "invalid_time_zone"),
                ("periods[2].from", "missing_from"),
                ("periods[3].from", "invalid_from"),
                ("periods[4].from", "from_in_future"),
            ]
            .map(|(f, c)| (f.to_owned(), c.to_owned()))
        );
        let err = validate(
            &[
                period("Europe/Berlin", None),
                period("Europe/Paris", Some("2020-01-01T00:00Z")),
                period("Europe/Rome", Some("2019-01-01T00:00Z")),
                period("Europe/Rome", Some("2021-01-01T00:00Z")),
            ],
            now,
        )
        .unwrap_err();
        assert_eq!(
            codes(err),
            [
                ("periods[2].from", "periods_out_of_order"),
                ("periods[3].zone", "same_zone_twice"),
            ]
            .map(|(f, c)| (f.to_owned(), c.to_owned()))
        );
        assert_eq!(
            codes(validate(&[], now).unwrap_err()),
            [("periods".to_owned(), "no_periods".to_owned())]
        );
    }

    #[test]
    fn changed_days_cover_the_moved_time() {
        let berlin = TimeZoneName::parse("Europe/Berlin").unwrap();
        let sydney = TimeZoneName::parse("Australia/Sydney").unwrap();
        let before = vec![(Timestamp::MIN, berlin.clone())];
        let after = vec![(Timestamp::MIN, sydney), (at("2019-03-01T00:00:00Z"), berlin)];
        let days = changed_days(&before, &after);
        assert_eq!(days.len(), 1);
        assert!(days[0].0 < -700_000, "from the open start");
        assert_eq!(days[0].1, 17_956, "2019-03-01");
        assert_eq!(changed_days(&before, &before), vec![]);
    }
}
