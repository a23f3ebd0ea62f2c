//! The slice of the FIT SDK Profile this reader uses: global message numbers, field numbers, and the
//! names of sports, manufacturers and common Garmin products. Numbers were checked against the
//! `fitparser` crate's generated profile (FIT SDK 21.x) and Gadgetbridge's `GlobalFITMessage` table.
//!
//! Everything not listed here is skipped by its definition, never interpreted.

/// Seconds from the Unix epoch to the FIT epoch, 1989-12-31T00:00:00Z.
pub const FIT_EPOCH_UNIX: i64 = 631_065_600;

/// Field 253 is the timestamp in every message that has one.
pub const TIMESTAMP: u8 = 253;

/// Field 254 is `message_index` in every message that has one: its low 12 bits are the index, the top
/// bit marks the selected entry.
pub const MESSAGE_INDEX: u8 = 254;
pub const MESSAGE_INDEX_MASK: u32 = 0x0FFF;

pub mod mesg {
    pub const FILE_ID: u16 = 0;
    pub const USER_PROFILE: u16 = 3;
    pub const SPORT: u16 = 12;
    pub const SESSION: u16 = 18;
    pub const LAP: u16 = 19;
    pub const RECORD: u16 = 20;
    pub const EVENT: u16 = 21;
    pub const DEVICE_INFO: u16 = 23;
    pub const WEIGHT_SCALE: u16 = 30;
    pub const ACTIVITY: u16 = 34;
    pub const MONITORING: u16 = 55;
    pub const HRV: u16 = 78;
    pub const HR: u16 = 132;
    pub const MONITORING_INFO: u16 = 103;
    pub const SLEEP_LEVEL: u16 = 275;
}

pub mod file_id {
    pub const MANUFACTURER: u8 = 1;
    pub const PRODUCT: u8 = 2;
    pub const SERIAL_NUMBER: u8 = 3;
    pub const TIME_CREATED: u8 = 4;
    pub const PRODUCT_NAME: u8 = 8;
}

pub mod sport {
    pub const SPORT: u8 = 0;
    pub const SUB_SPORT: u8 = 1;
    pub const NAME: u8 = 3;
}

pub mod device_info {
    pub const DEVICE_INDEX: u8 = 0;
    pub const PRODUCT_NAME: u8 = 27;
}

pub mod activity {
    pub const LOCAL_TIMESTAMP: u8 = 5;
}

/// Session fields; lap fields share the numbers up to `TOTAL_CALORIES`, then diverge.
pub mod session {
    pub const START_TIME: u8 = 2;
    pub const SPORT: u8 = 5;
    pub const SUB_SPORT: u8 = 6;
    pub const TOTAL_ELAPSED_TIME: u8 = 7;
    pub const TOTAL_TIMER_TIME: u8 = 8;
    pub const TOTAL_DISTANCE: u8 = 9;
    pub const TOTAL_CALORIES: u8 = 11;
    pub const AVG_HEART_RATE: u8 = 16;
    pub const MAX_HEART_RATE: u8 = 17;
    pub const TOTAL_ASCENT: u8 = 22;
    /// Why the session ended; `AUTO_MULTI_SPORT` marks a leg of a multisport recording other than the last.
    pub const TRIGGER: u8 = 28;
    pub const AUTO_MULTI_SPORT: u32 = 2;
    /// Seconds, scale 1000. Many files lack it (none of the public samples has it).
    pub const TOTAL_MOVING_TIME: u8 = 59;
    pub const SPORT_PROFILE_NAME: u8 = 110;
}

pub mod lap {
    pub const START_TIME: u8 = 2;
    pub const TOTAL_ELAPSED_TIME: u8 = 7;
    pub const TOTAL_DISTANCE: u8 = 9;
    pub const TOTAL_CALORIES: u8 = 11;
    pub const AVG_HEART_RATE: u8 = 15;
    pub const MAX_HEART_RATE: u8 = 16;
}

pub mod record {
    pub const POSITION_LAT: u8 = 0;
    pub const POSITION_LONG: u8 = 1;
    pub const ALTITUDE: u8 = 2;
    pub const HEART_RATE: u8 = 3;
    pub const CADENCE: u8 = 4;
    pub const DISTANCE: u8 = 5;
    pub const SPEED: u8 = 6;
    pub const POWER: u8 = 7;
    pub const COMPRESSED_SPEED_DISTANCE: u8 = 8;
    pub const TEMPERATURE: u8 = 13;
    pub const ENHANCED_SPEED: u8 = 73;
    pub const ENHANCED_ALTITUDE: u8 = 78;
}

/// `event`: only the timer's starts and stops are read, to tell pauses from recording.
pub mod event {
    pub const EVENT: u8 = 0;
    pub const EVENT_TYPE: u8 = 1;
    /// The `event` value of the timer (started, stopped, auto-paused).
    pub const TIMER: u32 = 0;
    /// `event_type` values: `start`, and the four kinds of stop (`stop`, `stop_all`, `stop_disable`,
    /// `stop_disable_all`).
    pub const START: u32 = 0;
    pub const STOPS: [u32; 4] = [1, 4, 8, 9];
}

pub mod hrv {
    pub const TIME: u8 = 0;
}

/// `hr`: heart rate a strap stored while its watch could not listen (under water) and sent afterwards,
/// usually in a chained part of the file.
pub mod hr {
    pub const FRACTIONAL_TIMESTAMP: u8 = 0;
    pub const TIME256: u8 = 1;
    pub const FILTERED_BPM: u8 = 6;
    pub const EVENT_TIMESTAMP: u8 = 9;
    pub const EVENT_TIMESTAMP_12: u8 = 10;
}

pub mod monitoring {
    pub const CYCLES: u8 = 3;
    pub const ACTIVITY_TYPE: u8 = 5;
    pub const CURRENT_ACTIVITY_TYPE_INTENSITY: u8 = 24;
    pub const TIMESTAMP_16: u8 = 26;
    pub const HEART_RATE: u8 = 27;
    /// `activity_type` values whose `cycles` are steps (the `steps` subfield, scale 1).
    pub const WALKING: u8 = 6;
    pub const RUNNING: u8 = 1;
}

pub mod monitoring_info {
    pub const LOCAL_TIMESTAMP: u8 = 0;
}

pub mod weight_scale {
    pub const WEIGHT: u8 = 0;
    pub const PERCENT_FAT: u8 = 1;
    /// The `message_index` of the `user_profile` the reading belongs to (a scale shared by a household).
    pub const USER_PROFILE_INDEX: u8 = 12;
}

/// `user_profile`: who a shared scale's readings belong to.
pub mod user_profile {
    /// `gender`: 0 female, 1 male.
    pub const GENDER: u8 = 1;
    /// Whole years.
    pub const AGE: u8 = 2;
    /// Metres, scale 100.
    pub const HEIGHT: u8 = 3;
}

pub mod sleep_level {
    pub const SLEEP_LEVEL: u8 = 0;
}

/// The FIT `sport` enum's names, which become `sport_label` when the file gives no profile name.
pub fn sport_name(sport: u8) -> Option<&'static str> {
    const NAMES: [&str; 50] = [
        "generic",
        "running",
        "cycling",
        "transition",
        "fitness_equipment",
        "swimming",
        "basketball",
        "soccer",
        "tennis",
        "american_football",
        "training",
        "walking",
        "cross_country_skiing",
        "alpine_skiing",
        "snowboarding",
        "rowing",
        "mountaineering",
        "hiking",
        "multisport",
        "paddling",
        "flying",
        "e_biking",
        "motorcycling",
        "boating",
        "driving",
        "golf",
        "hang_gliding",
        "horseback_riding",
        "hunting",
        "fishing",
        "inline_skating",
        "rock_climbing",
        "sailing",
        "ice_skating",
        "sky_diving",
        "snowshoeing",
        "snowmobiling",
        "stand_up_paddleboarding",
        "surfing",
        "wakeboarding",
        "water_skiing",
        "kayaking",
        "rafting",
        "windsurfing",
        "kitesurfing",
        "tactical",
        "jumpmaster",
        "boxing",
        "floor_climbing",
        "baseball",
    ];
    if let Some(name) = NAMES.get(usize::from(sport)) {
        return Some(name);
    }
    Some(match sport {
        53 => "diving",
        62 => "hiit",
        64 => "racket",
        65 => "wheelchair_push_walk",
        66 => "wheelchair_push_run",
        67 => "meditation",
        69 => "disc_golf",
        71 => "cricket",
        72 => "rugby",
        73 => "hockey",
        74 => "lacrosse",
        75 => "volleyball",
        76 => "water_tubing",
        77 => "wakesurfing",
        80 => "mixed_martial_arts",
        82 => "snorkeling",
        83 => "dance",
        84 => "jump_rope",
        _ => return None,
    })
}

/// Manufacturer ids whose `product` is a `garmin_product`.
pub const GARMIN: u16 = 1;
pub const GARMIN_FR405: u16 = 2;

/// Display names of the manufacturers whose files users are likely to bring.
pub fn manufacturer_name(id: u16) -> Option<&'static str> {
    Some(match id {
        1 | 2 => "Garmin",
        9 => "Saris",
        13 | 15 => "Dynastream",
        23 => "Suunto",
        32 => "Wahoo",
        40 => "Concept2",
        41 => "Shimano",
        51 => "4iiii",
        69 => "Stages",
        70 => "Sigma",
        71 => "TomTom",
        73 => "Wattbike",
        86 => "Elite",
        89 => "Tacx",
        107 => "Magene",
        112 | 267 => "Bryton",
        115 => "iGPSPORT",
        121 | 139 | 290 => "Kinetic",
        123 => "Polar",
        129 | 294 => "COROS",
        140 | 310 => "Decathlon",
        144 | 260 => "Zwift",
        255 => "Development",
        258 => "Lezyne",
        263 => "Favero",
        265 => "Strava",
        268 => "SRAM",
        278 => "Minoura",
        289 => "Hammerhead",
        305 => "WHOOP",
        _ => return None,
    })
}

/// Names of common Garmin products (the FIT `garmin_product` type), as Garmin markets them.
pub fn garmin_product_name(id: u16) -> Option<&'static str> {
    Some(match id {
        717 => "Forerunner 405",
        988 => "Forerunner 60",
        1018 | 1446 => "Forerunner 310XT",
        1036 => "Edge 500",
        1124 => "Forerunner 110",
        1169 => "Edge 800",
        1325 => "Edge 200",
        1328 => "Forerunner 910XT",
        1345 => "Forerunner 610",
        1482 => "Forerunner 10",
        1551 => "fenix",
        1561 => "Edge 510",
        1567 => "Edge 810",
        1623 => "Forerunner 620",
        1632 => "Forerunner 220",
        1765 => "Forerunner 920XT",
        1836 => "Edge 1000",
        1907 => "vivoactive",
        1967 => "fenix 2",
        1988 => "epix",
        2050 => "fenix 3",
        2067 => "Edge 520",
        2153 => "Forerunner 225",
        2156 => "Forerunner 630",
        2157 => "Forerunner 230",
        2158 => "Forerunner 735XT",
        2337 => "vivoactive HR",
        2413 => "fenix 3 HR",
        2431 => "Forerunner 235",
        2530 => "Edge 820",
        2544 => "fenix 5S",
        2604 => "fenix 5X",
        2691 => "Forerunner 935",
        2697 => "fenix 5",
        2700 => "vivoactive 3",
        2713 => "Edge 1030",
        2886 => "Forerunner 645",
        2888 => "Forerunner 645 Music",
        2900 => "fenix 5S Plus",
        2909 => "Edge 130",
        3110 => "fenix 5 Plus",
        3111 => "fenix 5X Plus",
        3112 => "Edge 520 Plus",
        3113 => "Forerunner 945",
        3121 => "Edge 530",
        3122 => "Edge 830",
        3226 => "Venu",
        3288 => "fenix 6S",
        3289 | 3290 => "fenix 6",
        3291 => "fenix 6X",
        3558 => "Edge 130 Plus",
        3570 => "Edge 1030 Plus",
        3589 => "Forerunner 745",
        3638 => "Enduro",
        3652 => "Forerunner 945 LTE",
        3703 => "Venu 2",
        3843 => "Edge 1040",
        3869 => "Forerunner 55",
        3888 => "Instinct 2",
        3905 => "fenix 7S",
        3906 => "fenix 7",
        3907 => "fenix 7X",
        3943 => "epix (Gen 2)",
        3990 | 3991 => "Forerunner 255 Music",
        3992 | 3993 => "Forerunner 255",
        4024 => "Forerunner 955",
        4061 => "Edge 540",
        4062 => "Edge 840",
        4257 | 4258 => "Forerunner 265",
        4260 => "Venu 3",
        4315 => "Forerunner 965",
        4341 => "Enduro 2",
        4374 => "fenix 7S Pro",
        4375 => "fenix 7 Pro",
        4376 => "fenix 7X Pro",
        4432 => "Forerunner 165",
        4440 => "Edge 1050",
        4532..=4536 => "fenix 8",
        65534 => "Garmin Connect",
        _ => return None,
    })
}
