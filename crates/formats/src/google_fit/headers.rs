//! The names Takeout gives the activity-metrics CSVs and their columns, in the languages it writes
//! them in. Takeout translates both for accounts in other languages (`Step count` is `Schrittzahl` in
//! German, `歩数` in Japanese); the column order stays the English one.
//!
//! The names come from public parsers and test files written against real exports. Confirmed: Japanese,
//! Russian, Polish and Spanish summary columns, Korean and German per-day columns. From a single
//! source: the German summary's `Datum` and file name, French columns other than `Distance (m)`. A
//! language not listed, or a column whose name is not, fails (key columns) or is left unread, never
//! guessed from its position.

/// A column's names: English first, then the translations.
pub(super) type Names = &'static [&'static str];

pub(super) const DATE: Names = &["Date", "Datum", "Fecha", "Data", "Дата", "日付", "날짜"];
pub(super) const START: Names = &[
    "Start time",
    "Beginn",
    "Hora de inicio",
    "Heure de début",
    "시작 시간",
];
pub(super) const END: Names = &[
    "End time",
    "Ende",
    "Hora de finalización",
    "Hora de finalizacion",
    "Heure de fin",
    "종료 시간",
];
pub(super) const STEPS: Names = &[
    "Step count",
    "Schrittzahl",
    "Recuento de pasos",
    "Nombre de pas",
    "Liczba kroków",
    "Число шагов",
    "歩数",
    "걸음 수",
];
pub(super) const DISTANCE: Names = &[
    "Distance (m)",
    "Distanz (m)",
    "Distancia (m)",
    "Odległość (m)",
    "Дистанция (м)",
    "距離（m）",
    "거리(m)",
];
pub(super) const MOVE_MINUTES: Names = &[
    "Move Minutes count",
    "Anzahl der Aktivitätsminuten",
    "Recuento de Minutos Activos",
    "Nombre de minutes actives",
    "Liczba minut ruchu",
    "Минуты активности",
    "通常の運動（分）のカウント",
];
pub(super) const HEART_POINTS: Names = &[
    "Heart Points",
    "Kardiopunkte",
    "Puntos cardio",
    "Points cardio",
    "Punkty kardio",
    "Баллы кардиотренировок",
    "ハートポイント（強めの運動）",
    "심장 강화 점수",
];
pub(super) const CALORIES: Names = &[
    "Calories (kcal)",
    "Kalorien (kcal)",
    "Calorías (kcal)",
    "Kalorie (kcal)",
    "Калории (ккал)",
    "カロリー（kcal）",
    "칼로리(kcal)",
];

/// The daily summary's file name (the per-day files are `YYYY-MM-DD.csv` in every language).
pub(super) const DAILY_SUMMARY_FILES: Names = &[
    "Daily activity metrics.csv",
    // Exports before 2020.
    "Daily Summaries.csv",
    "Tägliche Aktivitätswerte.csv",
    "Métricas de actividad diaria.csv",
    "Dzienne wskaźniki aktywności.csv",
    "Показатели ежедневной активности.csv",
    "日別のアクティビティ指標.csv",
    "일일 활동 측정항목.csv",
];

/// Whether a header cell is one of `names`: trimmed, and without regard to case (Takeout's Spanish
/// capitalises `Puntos Cardio` in some exports).
pub(super) fn is(cell: &str, names: Names) -> bool {
    let cell = cell.trim().to_lowercase();
    names.iter().any(|name| name.to_lowercase() == cell)
}

/// Where the column named by any of `names` is in `header`.
pub(super) fn position<'h>(header: impl IntoIterator<Item = &'h str>, names: Names) -> Option<usize> {
    header.into_iter().position(|cell| is(cell, names))
}

/// Whether the first cells of a CSV's first line are `names` in order (a file recognised by its head).
pub(super) fn starts_with(head: &[u8], names: &[Names]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut cells = line.split(',');
    names
        .iter()
        .all(|names| cells.next().is_some_and(|cell| is(cell, names)))
}
