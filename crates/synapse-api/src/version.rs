//! What a server's `server_version` says it can do.

/// Whether `version` ("1.163.2", "1.78.0rc1", "1.99.0 (b=main,…)") is at least
/// `major.minor`. A version that does not parse counts as current: new servers
/// are far more common than unreadable old ones, and a wrong guess there only
/// costs a clear 404 from the server.
pub fn at_least(version: &str, major: u32, minor: u32) -> bool {
    let mut parts = version
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(str::parse::<u32>);
    match (parts.next(), parts.next()) {
        (Some(Ok(a)), Some(Ok(b))) => (a, b) >= (major, minor),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_major_and_minor() {
        assert!(at_least("1.163.2", 1, 78));
        assert!(at_least("1.78.0", 1, 78));
        assert!(at_least("1.78.0rc1", 1, 78));
        assert!(!at_least("1.77.9", 1, 78));
        assert!(!at_least("0.99.5", 1, 78));
        assert!(at_least("2.0.0", 1, 78));
        assert!(at_least("1.99.0 (b=main,abc)", 1, 78));
        assert!(at_least("", 1, 78));
        assert!(at_least("dev", 1, 78));
    }
}
