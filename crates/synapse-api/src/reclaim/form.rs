//! The delete-by-age form: sizes and units, the date guards, and the rule it makes.

use crate::purge::{DateProblem, LocalDateTime};
use serde::{Deserialize, Serialize};

/// Synapse refuses a `before_ts` below this (Dec 1970 in ms, year 2920 in seconds):
/// it is how it catches a timestamp given in seconds by mistake.
pub const MIN_BEFORE_TS: u64 = 30_000_000_000;

/// A unit for "larger than". Powers of 1024, as the console shows every size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SizeUnit {
    Bytes,
    #[default]
    KiB,
    MiB,
    GiB,
}

impl SizeUnit {
    pub const ALL: [SizeUnit; 4] = [SizeUnit::Bytes, SizeUnit::KiB, SizeUnit::MiB, SizeUnit::GiB];

    pub fn bytes(self) -> u64 {
        match self {
            SizeUnit::Bytes => 1,
            SizeUnit::KiB => 1 << 10,
            SizeUnit::MiB => 1 << 20,
            SizeUnit::GiB => 1 << 30,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SizeUnit::Bytes => "bytes",
            SizeUnit::KiB => "KiB",
            SizeUnit::MiB => "MiB",
            SizeUnit::GiB => "GiB",
        }
    }
}

/// Text that is not a size unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSizeUnit(pub String);

/// Why a size typed for "larger than" is not usable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SizeProblem {
    Negative,
    /// Not a number; the text.
    NotANumber(String),
    /// More bytes than a u64 holds.
    TooLarge,
}

impl std::str::FromStr for SizeUnit {
    type Err = UnknownSizeUnit;
    /// Reads a unit as people write it: "MB", "mb", "MiB", "M" are all mebibytes here.
    fn from_str(raw: &str) -> Result<Self, UnknownSizeUnit> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "" | "b" | "byte" | "bytes" => Ok(SizeUnit::Bytes),
            "k" | "kb" | "kib" => Ok(SizeUnit::KiB),
            "m" | "mb" | "mib" => Ok(SizeUnit::MiB),
            "g" | "gb" | "gib" => Ok(SizeUnit::GiB),
            _ => Err(UnknownSizeUnit(raw.trim().to_owned())),
        }
    }
}

/// "larger than" as typed: a number (a fraction is fine, "1.5") in `unit`, or empty
/// for any size. Returns whole bytes.
pub fn parse_size(amount: &str, unit: SizeUnit) -> Result<u64, SizeProblem> {
    let raw = amount.trim();
    if raw.is_empty() {
        return Ok(0);
    }
    let bad = || SizeProblem::NotANumber(raw.to_owned());
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return Err(if raw.starts_with('-') {
            SizeProblem::Negative
        } else {
            bad()
        });
    }
    let too_big = || SizeProblem::TooLarge;
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| too_big())?
    };
    let mut bytes = whole.checked_mul(unit.bytes()).ok_or_else(too_big)?;
    // The fraction in exact integer steps: at most 9 digits count (GiB has 30 bits).
    let fraction = &fraction[..fraction.len().min(9)];
    if !fraction.is_empty() {
        let scale = 10u64.pow(fraction.len() as u32);
        let part: u64 = fraction.parse().map_err(|_| bad())?;
        bytes = bytes
            .checked_add(part * unit.bytes() / scale)
            .ok_or_else(too_big)?;
    }
    Ok(bytes)
}

/// A date a person picked for "not used since" or "cached and not used since", as the
/// `before_ts` Synapse takes. Refuses what would be dangerous: no date (a default of 0
/// or now is never assumed), a date in the future (Synapse then deletes every eligible
/// file), or one before Dec 1970 (Synapse refuses it as seconds given for ms).
pub fn cutoff_from_input(
    raw: &str,
    now_ms: u64,
    offset_minutes_at: impl Fn(&LocalDateTime) -> i32,
) -> Result<u64, DateProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(DateProblem::Missing);
    }
    let local: LocalDateTime = raw.parse()?;
    let ts = local.to_utc_ms(offset_minutes_at(&local));
    if ts < MIN_BEFORE_TS as i64 {
        return Err(DateProblem::TooEarly);
    }
    if ts as u64 > now_ms {
        return Err(DateProblem::InFuture);
    }
    Ok(ts as u64)
}

/// The delete-by-age form as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteOldForm {
    /// From a `datetime-local` input, in the browser's time zone.
    pub not_used_since: String,
    pub larger_than: String,
    pub unit: SizeUnit,
    pub keep_avatars: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteOldErrors {
    pub date: Option<DateProblem>,
    pub size: Option<SizeProblem>,
}

/// Which local files a delete by age and size removes, as Synapse decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteOldRule {
    pub before_ts: u64,
    pub size_gt: u64,
    pub keep_profiles: bool,
}

pub fn validate_delete_old(
    form: &DeleteOldForm,
    now_ms: u64,
    offset_minutes_at: impl Fn(&LocalDateTime) -> i32,
) -> Result<DeleteOldRule, DeleteOldErrors> {
    let before = cutoff_from_input(&form.not_used_since, now_ms, offset_minutes_at);
    let size = parse_size(&form.larger_than, form.unit);
    match (before, size) {
        (Ok(before_ts), Ok(size_gt)) => Ok(DeleteOldRule {
            before_ts,
            size_gt,
            keep_profiles: form.keep_avatars,
        }),
        (before, size) => Err(DeleteOldErrors {
            date: before.err(),
            size: size.err(),
        }),
    }
}
