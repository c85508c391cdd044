//! The browser's clock and time zone, for turning dates a person picks into instants
//! and back. The arithmetic itself is in `synapse_api::purge` (tested natively).

use synapse_api::purge::LocalDateTime;

pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// The browser's UTC offset at that wall-clock time, in minutes east of UTC (so it
/// follows daylight saving time at that date, not today's).
pub fn offset_minutes_at(local: &LocalDateTime) -> i32 {
    let date = js_sys::Date::new_with_year_month_day_hr_min_sec(
        local.year as u32,
        local.month as i32 - 1,
        local.day as i32,
        local.hour as i32,
        local.minute as i32,
        local.second as i32,
    );
    -(date.get_timezone_offset() as i32)
}

/// `2026-11-01 12:00:05` in the browser's time zone.
pub fn format_local(ms: u64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// The value a `datetime-local` input takes for that instant (for its `max`).
pub fn datetime_local_value(ms: u64) -> String {
    format_local(ms).replacen(' ', "T", 1)
}

/// The IANA name of the browser's time zone, e.g. "Europe/Berlin".
pub fn time_zone_name() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "local time".into())
}
