//! `manifest.yaml`, in charmcraft 4.5's field order (not sorted): `charmcraft-version`,
//! `charmcraft-started-at`, `bases`, `analysis`.

use crate::platform::Platform;

/// The charmcraft release whose `.charm` format this tool writes.
pub const CHARMCRAFT_VERSION: &str = "4.5.0";

/// The manifest for `platform`, packed at `started_at` (ISO 8601, no zone).
pub fn manifest_yaml(platform: &Platform, started_at: &str) -> String {
    format!(
        "charmcraft-version: {CHARMCRAFT_VERSION}\n\
         charmcraft-started-at: '{started_at}'\n\
         bases:\n\
         - name: {}\n  channel: '{}'\n  architectures:\n  - {}\n\
         analysis:\n  attributes:\n  - name: language\n    result: unknown\n  - name: framework\n    result: unknown\n",
        platform.base.name, platform.base.channel, platform.arch
    )
}

/// Now, as charmcraft writes it (`2026-12-03T07:40:01.123456`), in UTC.
pub fn now() -> String {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let (days, secs) = (since.as_secs() / 86_400, since.as_secs() % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        since.subsec_micros()
    )
}

/// Howard Hinnant's days-to-civil: the date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Base;

    #[test]
    fn the_manifest_is_charmcrafts() {
        let platform = Platform {
            name: "amd64".into(),
            base: Base { name: "ubuntu".into(), channel: "24.04".into() },
            arch: "amd64".into(),
        };
        assert_eq!(
            manifest_yaml(&platform, "2026-12-03T07:40:01.000001"),
            "charmcraft-version: 4.5.0\ncharmcraft-started-at: '2026-12-03T07:40:01.000001'\nbases:\n- name: ubuntu\n  \
             channel: '24.04'\n  architectures:\n  - amd64\nanalysis:\n  attributes:\n  - name: language\n    result: \
             unknown\n  - name: framework\n    result: unknown\n"
        );
    }

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_790), (2026, 12, 3));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
