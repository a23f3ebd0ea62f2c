//! Example values for the OpenAPI document, shared by the schemas and operations that show the same
//! things (an activity appears in a list, a batch result, a duplicate pair …). One account, Ana in
//! Berlin, and her Saturday-morning run keep them consistent with each other. Documentation only: no
//! handler uses them.

use serde_json::{json, Value};

pub const USER_ID: &str = "usr_0192f37abfe872789ddab6f9c94ffa53";
pub const OTHER_USER_ID: &str = "usr_01944a20b4c87d388848812241a0466b";
pub const RUN_ID: &str = "act_01976cfed7107e6a94fcbbea4561a6f7";
pub const RUN_COPY_ID: &str = "act_01976cfedaf8773badb798be866864c5";
pub const IMPORT_ID: &str = "imp_01976d2aa2007516b82d68197f47778f";
pub const ACCESS_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfMDE5MmYzN2FiZmU4NzI3ODlkZGFiNmY5Yzk0ZmZhNTMiLCJpYXQiOjE3NDk4ODQ0NjAsImV4cCI6MTc0OTg4NTM2MCwiaXNzIjoid2VhcmhvdXNlIiwiZXAiOjAsInNpZCI6IjAxOTc2ZDNkZGJlMDcyYjhiMjhkNjhlNzdhZjc5NGIxIn0.Zr3mC0vVbq1t6Yx2V9dI8hN4kP0sQeWfJ7uLgA5oRcE";
pub const REFRESH_TOKEN: &str = "q7N2vXb0kR4tYw9sLm3HcE8uJf1aZp6DgQ5iKoV2xTn";
pub const PASSWORD: &str = "correct horse battery staple";

/// The editable fields of Ana's 45-minute, 8.2 km run, as the API shows them.
pub fn run_fields() -> Value {
    json!({
        "type": "running",
        "start": "2025-06-14T06:50:00+02:00",
        "end": "2025-06-14T07:35:00+02:00",
        "duration": 2700.0,
        "time_zone": "Europe/Berlin",
        "moving_time": 2652.0,
        "distance": 8200.0,
        "energy": 612.0,
        "avg_heart_rate": 148.0,
        "max_heart_rate": 171.0,
        "elevation_gain": 64.0,
        "intensity": "moderate",
        "rpe": 6,
        "title": "Morning run along the Spree",
        "gear": "Pegasus 40",
        "commute": false,
        "visibility": "private",
        "laps": [
            {"start_offset": 0.0, "duration": 1650.0, "distance": 5000.0, "avg_heart_rate": 145.0, "max_heart_rate": 163.0, "energy": 371.0},
            {"start_offset": 1650.0, "duration": 1050.0, "distance": 3200.0, "avg_heart_rate": 152.0, "max_heart_rate": 171.0, "energy": 241.0}
        ]
    })
}

fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
    base
}

/// The run as stored: recorded by her watch, imported through Garmin Connect.
pub fn activity_view() -> Value {
    with(
        run_fields(),
        json!({
            "id": RUN_ID,
            "source_id": 3,
            "external_id": "garmin-18734512233",
            "revision": 1,
            "stream_points": 2700,
            "created_at": "2025-06-14T05:52:10.418263Z",
            "updated_at": "2025-06-14T05:52:10.418263Z"
        }),
    )
}

/// The run moved to the trash.
pub fn trashed_activity_view() -> Value {
    with(
        activity_view(),
        json!({
            "revision": 2,
            "updated_at": "2025-06-14T09:03:27.551902Z",
            "deleted_at": "2025-06-14T09:03:27.551902Z",
            "purge_at": "2025-07-14T09:03:27.551902Z"
        }),
    )
}

/// The same run as the Apple Health copy recorded it.
pub fn activity_copy_view() -> Value {
    json!({
        "id": RUN_COPY_ID,
        "type": "running",
        "start": "2025-06-14T06:50:04+02:00",
        "end": "2025-06-14T07:35:01+02:00",
        "duration": 2697.0,
        "time_zone": "Europe/Berlin",
        "distance": 8163.4,
        "energy": 598.0,
        "avg_heart_rate": 147.0,
        "visibility": "private",
        "source_id": 1,
        "external_id": "7C1E0F7A-3B59-4F0E-9C55-2D8A41B6E0C3",
        "revision": 1,
        "stream_points": 0,
        "created_at": "2025-06-14T05:52:11.032117Z",
        "updated_at": "2025-06-14T05:52:11.032117Z"
    })
}

/// A new activity as a client sends it: the run, with `duration` instead of `end`.
pub fn activity_body() -> Value {
    let mut fields = run_fields();
    if let Some(fields) = fields.as_object_mut() {
        fields.remove("end");
    }
    with(
        fields,
        json!({
            "source": {"name": "Ana's Forerunner 265", "kind": "watch", "provider": "garmin", "model": "Forerunner 265", "app": "Garmin Connect"},
            "external_id": "garmin-18734512233"
        }),
    )
}

/// A strength session, the second activity of a batch.
pub fn strength_body() -> Value {
    json!({
        "type": "strength_training",
        "start": "2025-06-12T18:05:00+02:00",
        "duration": 3120.0,
        "time_zone": "Europe/Berlin",
        "energy": 286.0,
        "avg_heart_rate": 112.0,
        "rpe": 7,
        "title": "Upper body",
        "sets": [
            {"exercise": "bench_press", "reps": 8, "weight": 52.5},
            {"exercise": "bench_press", "reps": 8, "weight": 52.5},
            {"exercise": "pull_up", "reps": 10},
            {"exercise": "plank", "duration": 90.0}
        ],
        "external_id": "gym-log-2025-06-12"
    })
}

pub fn rejection() -> Value {
    json!({"index": 2, "code": "end_before_start", "detail": "end: the end is before the start"})
}

pub fn me_view() -> Value {
    json!({
        "id": USER_ID,
        "username": "ana",
        "email": "ana@example.org",
        "display_name": "Ana Lima",
        "bio": "Trail runner, Berlin. Training for the Zugspitz Ultratrail.",
        "time_zone": "Europe/Berlin",
        "time_zone_set": true,
        "unit_system": "metric",
        "first_weekday": "monday",
        "birth_year": 1991,
        "sex": "female",
        "height_cm": 168.0,
        "roles": ["user"],
        "mfa_enabled": true,
        "avatar_url": "/api/v1/me/avatar",
        "stats": {"total_workouts": 214, "current_streak_days": 3, "last_workout_at": "2025-06-14T06:50:00+02:00"},
        "created_at": "2024-11-03T19:22:41.906118Z",
        "updated_at": "2025-06-02T08:15:37.120544Z"
    })
}

/// A new account, as registration returns it.
pub fn new_me_view() -> Value {
    json!({
        "id": USER_ID,
        "username": "ana",
        "email": "ana@example.org",
        "display_name": null,
        "bio": null,
        "time_zone": "Europe/Berlin",
        "time_zone_set": true,
        "unit_system": "metric",
        "first_weekday": "monday",
        "birth_year": null,
        "sex": null,
        "height_cm": null,
        "roles": ["user"],
        "mfa_enabled": false,
        "avatar_url": null,
        "stats": {"total_workouts": 0, "current_streak_days": 0, "last_workout_at": null},
        "created_at": "2024-11-03T19:22:41.906118Z",
        "updated_at": "2024-11-03T19:22:41.906118Z"
    })
}

pub fn admin_user_view() -> Value {
    json!({
        "id": OTHER_USER_ID,
        "username": "ben",
        "email": "ben@example.org",
        "display_name": "Ben Okafor",
        "roles": ["user", "trainer"],
        "active": true,
        "mfa_enabled": false,
        "created_at": "2025-01-09T08:14:05.772310Z",
        "updated_at": "2025-06-10T12:40:19.004521Z"
    })
}

pub fn import_view() -> Value {
    json!({
        "id": IMPORT_ID,
        "status": "done",
        "format": "apple_health",
        "file_name": "export.zip",
        "status_url": format!("/api/v1/imports/{IMPORT_ID}"),
        "bytes_total": 187_654_321,
        "bytes_read": 187_654_321,
        "records_read": 1_843_211,
        "imported": 1_790_412,
        "activities": 412,
        "duplicates": 48_120,
        "report": {
            "skipped": {"implausible_value:heart_rate": 3, "unmapped_type:HKCategoryTypeIdentifierHandwashingEvent": 1204},
            "raw": {"HKQuantityTypeIdentifierDietaryCaffeine": 812, "HKQuantityTypeIdentifierDietaryWater": 2460},
            "warning_counts": {"bad_date": 2},
            "warnings": [
                {"code": "bad_date", "detail": "startDate '2019-02-30 08:00:00 +0100' is not a date", "location": "apple_health_export/export.xml:1048577"}
            ]
        },
        "created_at": "2025-06-14T06:40:00.215840Z",
        "started_at": "2025-06-14T06:40:00.391002Z",
        "finished_at": "2025-06-14T06:43:12.870116Z"
    })
}

/// An upload just accepted: its format detected, not yet read.
pub fn queued_import_view() -> Value {
    json!({
        "id": IMPORT_ID,
        "status": "queued",
        "format": "apple_health",
        "file_name": "export.zip",
        "status_url": format!("/api/v1/imports/{IMPORT_ID}"),
        "bytes_total": 187_654_321,
        "bytes_read": 0,
        "records_read": 0,
        "imported": 0,
        "activities": 0,
        "duplicates": 0,
        "report": {"skipped": {}, "raw": {}, "warning_counts": {}, "warnings": []},
        "created_at": "2025-06-14T06:40:00.215840Z",
        "started_at": null,
        "finished_at": null
    })
}

pub fn sources() -> Value {
    json!([
        {
            "id": 3, "provider": "garmin", "kind": "watch", "name": "Ana's Forerunner 265",
            "model": "Forerunner 265", "app": "Garmin Connect", "default_rank": 1, "priority": 1, "rank": 0,
            "summary": false, "created_at": "2025-01-20T17:41:09.330127Z"
        },
        {
            "id": 1, "provider": "apple_health", "kind": "phone", "name": "Ana's iPhone",
            "model": "iPhone15,2", "app": "Health", "default_rank": 3, "priority": null, "rank": 3,
            "summary": false, "created_at": "2024-11-03T19:40:52.611483Z"
        }
    ])
}

pub fn problem() -> Value {
    json!({
        "type": "urn:wearhouse:problem:validation_failed",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "password: password must be at least 10 characters long; time_zone: 'Europe/Berln' is not a known time zone",
        "code": "validation_failed",
        "errors": [
            {"field": "password", "code": "password_too_short", "detail": "password must be at least 10 characters long"},
            {"field": "time_zone", "code": "invalid_time_zone", "detail": "'Europe/Berln' is not a known time zone"}
        ]
    })
}
