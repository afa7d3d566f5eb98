//! The clock the core is driven with: milliseconds since the epoch (`Date.now()`).

/// Milliseconds since the epoch.
pub fn now() -> f64 {
    js_sys::Date::now()
}
