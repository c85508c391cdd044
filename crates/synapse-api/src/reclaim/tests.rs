//! The rule branch by branch, the form's guards, the dry run over a fake server, and
//! what the tab keeps of a result.

use std::cell::RefCell;

use super::*;
use crate::client::fake::{run, FakeServer};
use crate::endpoints::media::{DeletedMedia, MediaDetails};
use crate::endpoints::statistics::UserUsage;
use crate::error::ApiError;
use crate::ids::ServerName;
use crate::purge::{DateProblem, LocalDateTime};

const NOW: u64 = 1_795_341_000_000; // 2026-11-22
const UTC: fn(&LocalDateTime) -> i32 = |_| 0;

fn item(id: &str, size: u64, created: u64, last_access: Option<u64>) -> MediaDetails {
    MediaDetails {
        media_id: id.parse().unwrap(),
        media_origin: None,
        user_id: None,
        media_type: Some("image/png".into()),
        media_length: size,
        upload_name: Some(format!("{id}.png")),
        created_ts: created,
        last_access_ts: last_access,
        quarantined_by: None,
        safe_from_quarantine: Some(false),
        sha256: None,
    }
}

/// A dry run to its end, without cancelling or watching progress.
fn dry_run_quietly(server: &FakeServer, rule: DeleteOldRule, name: &ServerName) -> DryRunReport {
    run(dry_run(server, rule, name, || false, |_| {})).unwrap()
}

fn rule(before_ts: u64, size_gt: u64, keep_profiles: bool) -> DeleteOldRule {
    DeleteOldRule {
        before_ts,
        size_gt,
        keep_profiles,
    }
}

#[test]
fn the_rule_branch_by_branch() {
    let r = rule(1000, 100, true);
    // Never accessed: the upload date decides.
    assert_eq!(verdict(&item("a", 101, 999, None), &r, false), Ok(()));
    assert_eq!(
        verdict(&item("a", 101, 1000, None), &r, false),
        Err(KeptBecause::UsedSince),
        "uploaded exactly at the date: kept (Synapse compares with <)"
    );
    // Accessed: the last access decides, whatever the upload date.
    assert_eq!(verdict(&item("a", 101, 10, Some(999)), &r, false), Ok(()));
    assert_eq!(
        verdict(&item("a", 101, 10, Some(1000)), &r, false),
        Err(KeptBecause::UsedSince)
    );
    // Size: strictly larger than the threshold.
    assert_eq!(
        verdict(&item("a", 100, 10, None), &r, false),
        Err(KeptBecause::NotLarger)
    );
    assert_eq!(verdict(&item("a", 101, 10, None), &r, false), Ok(()));
    assert_eq!(
        verdict(&item("a", 0, 10, None), &rule(1000, 0, true), false),
        Err(KeptBecause::NotLarger),
        "an empty file is never over 0"
    );
    let quarantined = MediaDetails {
        quarantined_by: Some("@admin:test.local".into()),
        ..item("q", 500, 10, None)
    };
    assert_eq!(
        verdict(&quarantined, &r, false),
        Err(KeptBecause::Quarantined)
    );
    let protected = MediaDetails {
        safe_from_quarantine: Some(true),
        ..item("p", 500, 10, None)
    };
    assert_eq!(verdict(&protected, &r, false), Err(KeptBecause::Protected));
    // Avatars: kept only when asked.
    assert_eq!(
        verdict(&item("v", 500, 10, None), &r, true),
        Err(KeptBecause::Avatar)
    );
    assert_eq!(
        verdict(&item("v", 500, 10, None), &rule(1000, 100, false), true),
        Ok(())
    );
}

#[test]
fn sizes_with_units() {
    assert_eq!(parse_size("", SizeUnit::MiB), Ok(0));
    assert_eq!(parse_size(" 0 ", SizeUnit::GiB), Ok(0));
    assert_eq!(parse_size("500", SizeUnit::Bytes), Ok(500));
    assert_eq!(parse_size("2", SizeUnit::KiB), Ok(2048));
    assert_eq!(parse_size("1.5", SizeUnit::MiB), Ok(1_572_864));
    assert_eq!(parse_size(".5", SizeUnit::KiB), Ok(512));
    assert_eq!(parse_size("3.", SizeUnit::KiB), Ok(3072));
    assert_eq!(parse_size("1", SizeUnit::GiB), Ok(1 << 30));
    assert_eq!(parse_size("-1", SizeUnit::KiB), Err(SizeProblem::Negative));
    for bad in ["abc", "1,5", "1.2.3", "1e3", ".", "10 MB", "+1"] {
        assert_eq!(
            parse_size(bad, SizeUnit::KiB),
            Err(SizeProblem::NotANumber(bad.into()))
        );
    }
    assert_eq!(
        parse_size("99999999999999999999", SizeUnit::Bytes),
        Err(SizeProblem::TooLarge)
    );
    assert!(parse_size("18446744073709551615", SizeUnit::GiB).is_err());
    assert_eq!("MB".parse(), Ok(SizeUnit::MiB));
    assert_eq!("kib".parse(), Ok(SizeUnit::KiB));
    assert_eq!(" G ".parse(), Ok(SizeUnit::GiB));
    assert!("parsecs".parse::<SizeUnit>().is_err());
    for unit in SizeUnit::ALL {
        assert_eq!(unit.label().parse(), Ok(unit));
    }
}

#[test]
fn cutoff_guards() {
    let refused = |raw: &str| cutoff_from_input(raw, NOW, UTC).unwrap_err();
    assert_eq!(refused(""), DateProblem::Missing);
    assert_eq!(refused("2026-11-23T00:00"), DateProblem::InFuture);
    assert_eq!(refused("1970-01-01T00:00"), DateProblem::TooEarly);
    assert_eq!(
        refused("yesterday"),
        DateProblem::Unreadable("yesterday".into())
    );
    assert_eq!(
        cutoff_from_input("2026-11-01T12:00", NOW, UTC),
        Ok(1_793_534_400_000)
    );
    // The browser's offset applies: 12:00 in UTC+2 is 10:00 UTC.
    assert_eq!(
        cutoff_from_input("2026-11-01T12:00", NOW, |_| 120),
        Ok(1_793_534_400_000 - 7_200_000)
    );
}

#[test]
fn the_form_reports_every_field() {
    let form = DeleteOldForm {
        not_used_since: "2030-01-01T00:00".into(),
        larger_than: "x".into(),
        unit: SizeUnit::MiB,
        keep_avatars: true,
    };
    let e = validate_delete_old(&form, NOW, UTC).unwrap_err();
    assert!(e.date.is_some() && e.size.is_some());
    let ok = DeleteOldForm {
        not_used_since: "2026-11-01T12:00".into(),
        larger_than: "1".into(),
        ..form
    };
    assert_eq!(
        validate_delete_old(&ok, NOW, UTC),
        Ok(rule(1_793_534_400_000, 1 << 20, true))
    );
}

#[test]
fn comparison_names_the_differences() {
    let ids: IdList = ["a", "b"].into_iter().collect();
    assert_eq!(ids.iter().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(IdList::default().iter().count(), 0);
    let same = compare(&ids, &["b".into(), "a".into()]);
    assert!(same.is_exact());
    assert_eq!(same.matched, 2);
    let off = compare(&ids, &["b".into(), "z".into()]);
    assert_eq!(off.matched, 1);
    assert_eq!(off.only_previewed, ["a"]);
    assert_eq!(off.only_deleted, ["z"]);
}

#[test]
fn bars_scale_to_the_largest_and_skip_userless_rows() {
    let u = |id: Option<&str>, name: Option<&str>, bytes| UserUsage {
        user_id: id.map(|i| i.parse().unwrap()),
        displayname: name.map(Into::into),
        media_count: 1,
        media_length: bytes,
    };
    let bars = usage_bars(
        &[
            u(Some("@small:t.l"), Some("small"), 100),
            u(None, None, 10_000),
            u(Some("@big:t.l"), Some("Big <b>Boss</b>"), 400),
            u(Some("@mid:t.l"), None, 200),
        ],
        2,
    );
    assert_eq!(bars.len(), 2);
    assert_eq!(bars[0].label, "Big <b>Boss</b> (@big:t.l)");
    assert_eq!(bars[0].share, 1.0);
    assert_eq!(bars[1].label, "@mid:t.l");
    assert_eq!(bars[1].share, 0.5);
    assert_eq!(usage_bars(&[], 5), vec![]);
    assert_eq!(
        usage_bars(&[u(Some("@z:t.l"), None, 0)], 5)[0].share,
        0.0,
        "all zero: no division by zero"
    );
}

fn media_json(id: &str, size: u64, created: u64, quarantined_by: &str) -> String {
    format!(
        r#"{{"media_id":"{id}","media_type":"image/png","media_length":{size},"upload_name":"{id}.png","created_ts":{created},"last_access_ts":null,"quarantined_by":{quarantined_by},"safe_from_quarantine":false}}"#
    )
}

#[test]
fn the_dry_run_reads_only_what_can_qualify() {
    // @small's total is within the size: none of its files is read. @big's list,
    // read oldest first, stops at its first file uploaded at or after the cut.
    let server = FakeServer {
        seen: RefCell::default(),
        answer: Box::new(|r| {
            let p = r.path.as_str();
            let body = if p.starts_with("/_synapse/admin/v1/statistics/users/media")
                && p.ends_with("until_ts=999")
            {
                // Before the cut: @recent uploaded nothing yet.
                r#"{"users":[{"user_id":"@big:t.l","displayname":null,"media_count":1000,"media_length":8000000},{"user_id":"@huge:t.l","displayname":null,"media_count":3000,"media_length":8000000},{"user_id":"@small:t.l","displayname":null,"media_count":40,"media_length":100}],"total":3}"#.to_owned()
            } else if p.starts_with("/_synapse/admin/v1/statistics/users/media") {
                r#"{"users":[{"user_id":"@big:t.l","displayname":null,"media_count":2500,"media_length":9000000},{"user_id":"@huge:t.l","displayname":null,"media_count":3000,"media_length":8000000},{"user_id":"@recent:t.l","displayname":null,"media_count":7,"media_length":90000000},{"user_id":"@small:t.l","displayname":null,"media_count":40,"media_length":100}],"total":4}"#.to_owned()
            } else if p.starts_with(
                "/_synapse/admin/v1/users/%40huge%3At.l/media?from=0&limit=1000&order_by=media_length&dir=b",
            ) {
                // Largest first: 999 over the size, then one that is not.
                let mut items: Vec<String> = (0..999)
                    .map(|i| media_json(&format!("huge{i}"), 9000 - i, i, "null"))
                    .collect();
                items.push(media_json("small0", 100, 5, "null"));
                format!(r#"{{"media":[{}],"total":3000,"next_token":1000}}"#, items.join(","))
            } else if p.starts_with(
                "/_synapse/admin/v1/users/%40big%3At.l/media?from=0&limit=1000&order_by=created_ts&dir=f",
            ) {
                let mut items: Vec<String> = (0..999)
                    .map(|i| media_json(&format!("old{i}"), 5000, i, "null"))
                    .collect();
                items.push(media_json("new0", 5000, 1000, "null"));
                format!(
                    r#"{{"media":[{}],"total":2500,"next_token":1000}}"#,
                    items.join(",")
                )
            } else {
                return (
                    404,
                    r#"{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}"#.into(),
                );
            };
            (200, body)
        }),
    };
    let name: ServerName = "t.l".parse().unwrap();
    let report = dry_run_quietly(&server, rule(1000, 100, false), &name);
    assert_eq!(report.count, 999 + 999);
    assert_eq!(
        report.kept.not_larger,
        40 + 1 + 2000,
        "@small's files, by its total; small0, and the 2,000 after it"
    );
    assert_eq!(
        report.kept.used_since,
        7 + 1 + 1500,
        "@recent's (all after the cut), new0, and the 1,500 after it"
    );
    assert_eq!(report.files_seen, 5547);
    assert_eq!(report.files_not_read, 3547);
    assert!(report.complete);
    // Both statistics walks and one page each of @big and @huge: @small, @recent
    // and the other pages are never asked.
    assert_eq!(server.seen.borrow().len(), 4, "{:?}", server.seen.borrow());
}

fn server() -> FakeServer {
    FakeServer {
        seen: RefCell::default(),
        answer: Box::new(|r| {
            let p = r.path.as_str();
            let body = if p.starts_with("/_synapse/admin/v1/statistics/users/media") {
                r#"{"users":[{"user_id":"@alice:t.l","displayname":"alice","media_count":3,"media_length":18000},{"user_id":"@gone:t.l","displayname":null,"media_count":1,"media_length":500}],"total":2}"#.to_owned()
            } else if p.starts_with("/_synapse/admin/v1/users/%40alice%3At.l/media?from=0") {
                format!(
                    r#"{{"media":[{},{}],"total":3,"next_token":2}}"#,
                    media_json("old_big", 5000, 10, "null"),
                    media_json("avatar", 6000, 10, "null")
                )
            } else if p.starts_with("/_synapse/admin/v1/users/%40alice%3At.l/media?from=2") {
                format!(
                    r#"{{"media":[{}],"total":3}}"#,
                    media_json("guarded", 7000, 10, r#""@admin:t.l""#)
                )
            } else if p.starts_with("/_synapse/admin/v1/users/%40gone%3At.l/media") {
                return (
                    404,
                    r#"{"errcode":"M_NOT_FOUND","error":"Unknown user"}"#.into(),
                );
            } else if p.starts_with("/_synapse/admin/v2/users") {
                assert!(p.contains("deactivated=true"));
                r#"{"users":[{"name":"@alice:t.l","avatar_url":"mxc://t.l/avatar"}],"total":1}"#
                    .into()
            } else if p.starts_with("/_synapse/admin/v1/rooms?") {
                r#"{"rooms":[{"room_id":"!r:t.l"}],"total_rooms":1}"#.into()
            } else if p == "/_synapse/admin/v1/rooms/%21r%3At.l" {
                r#"{"room_id":"!r:t.l","avatar":null}"#.into()
            } else {
                panic!("unexpected request {p}")
            };
            (200, body)
        }),
    }
}

#[test]
fn the_dry_run_walks_every_user_and_applies_the_rule() {
    let server = server();
    let mut heard = Vec::new();
    let name: ServerName = "t.l".parse().unwrap();
    let report = run(dry_run(
        &server,
        rule(1000, 100, true),
        &name,
        || false,
        |p| heard.push(p),
    ))
    .unwrap();
    let ids: Vec<&str> = report.ids.as_ref().unwrap().iter().collect();
    assert_eq!(ids, ["old_big"]);
    assert_eq!(report.count, 1);
    assert_eq!(report.largest[0].media_id.as_str(), "old_big");
    assert_eq!(report.bytes, 5000);
    assert_eq!((report.kept.avatar, report.kept.quarantined), (1, 1));
    assert_eq!(report.files_seen, 3);
    assert_eq!(report.unreadable.len(), 1);
    assert_eq!(report.unreadable[0].0.as_str(), "@gone:t.l");
    assert!(report.complete);
    assert!(!report.is_exact(), "a user could not be read");
    // stats, stats before the cut + 2 alice pages + gone + users + rooms + 1 room.
    assert_eq!(report.requests, 8);
    assert_eq!(server.seen.borrow().len(), 8);
    assert_eq!(heard.last().unwrap().rooms_done, 1);
    assert!(heard.iter().any(|p| p.phase == ScanPhase::ReadingMedia));

    // Without keeping avatars, no avatar lookups and the avatar goes too.
    let server = self::server();
    let report = dry_run_quietly(&server, rule(1000, 100, false), &name);
    let ids: Vec<&str> = report.ids.as_ref().unwrap().iter().collect();
    assert_eq!(ids, ["avatar", "old_big"], "largest first");
    let largest: Vec<&str> = report.largest.iter().map(|c| c.media_id.as_str()).collect();
    assert_eq!(largest, ids);
    // Both statistics walks and the media lists; no avatar lookups.
    assert_eq!(report.requests, 5);
}

#[test]
fn a_cancelled_dry_run_is_marked_incomplete() {
    let server = server();
    let name: ServerName = "t.l".parse().unwrap();
    let report = run(dry_run(
        &server,
        rule(1000, 100, true),
        &name,
        || true,
        |_| {},
    ))
    .unwrap();
    assert!(!report.complete);
    assert_eq!(report.users_scanned, 0);
}

#[test]
fn a_failed_statistics_request_fails_the_dry_run() {
    let server = FakeServer {
        seen: RefCell::default(),
        answer: Box::new(|_| {
            (
                403,
                r#"{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}"#.into(),
            )
        }),
    };
    let name: ServerName = "t.l".parse().unwrap();
    let e = run(dry_run(
        &server,
        rule(1000, 0, true),
        &name,
        || false,
        |_| {},
    ))
    .unwrap_err();
    assert!(e.is_forbidden());
}

#[test]
fn a_saved_dry_run_and_delete_read_back_as_they_were() {
    let report = DryRunReport {
        rule: Some(rule(1000, 1024, true)),
        largest: vec![Candidate {
            media_id: "abc".parse().unwrap(),
            uploader: "@alice:t.l".parse().unwrap(),
            name: Some("<b>cat</b>.png".into()),
            size: 2048,
            last_used_ts: 900,
        }],
        count: 2,
        ids: Some(["abc", "def"].into_iter().collect()),
        bytes: 2048,
        unreadable: vec![(
            "@bob:t.l".parse().unwrap(),
            ApiError::from_status(500, "boom"),
        )],
        complete: true,
        ..DryRunReport::default()
    };
    let deleted = DeletedMedia {
        deleted_media: vec!["abc".into(), "xyz".into()],
        total: 2,
    };
    let saved = SavedReclaim {
        homeserver: "http://127.0.0.1:8008/".into(),
        ran_at_ms: 1_700_000_000_000,
        outcome: Some(DeleteOutcome::of(&report, &deleted)),
        report,
    };
    assert_eq!(
        SavedReclaim::from_json(&saved.to_json()),
        Some(saved.clone())
    );
    let comparison = saved.outcome.as_ref().unwrap().comparison.as_ref().unwrap();
    assert_eq!(
        (
            comparison.only_previewed.as_slice(),
            comparison.only_deleted.as_slice()
        ),
        (&["def".to_owned()][..], &["xyz".to_owned()][..])
    );
    // The ids are one JSON string, not a record each.
    assert!(saved.to_json().contains(r#""ids":"abc\ndef""#));

    // Lighter and lighter: first the candidates' ids (a later delete is then
    // compared by count only), then the deleted ids; never the counts.
    let dry_only = SavedReclaim {
        outcome: None,
        ..saved.clone()
    };
    let (small, left_out) = dry_only.lighter().unwrap();
    assert_eq!(left_out, LeftOut::CandidateIds);
    assert_eq!(small.report.ids, None);
    assert_eq!(
        (small.report.count, &small.report.largest),
        (2, &saved.report.largest)
    );
    assert_eq!(DeleteOutcome::of(&small.report, &deleted).comparison, None);
    assert_eq!(small.lighter(), None, "nothing left to drop");
    let done = dry_only.after_delete(DeleteOutcome::of(&dry_only.report, &deleted));
    assert_eq!(done.report.ids, None, "the comparison replaces the ids");
    assert_eq!(
        done.outcome
            .as_ref()
            .unwrap()
            .deleted
            .as_ref()
            .unwrap()
            .as_lines(),
        "abc\nxyz"
    );
    let (smaller, left_out) = done.lighter().unwrap();
    assert_eq!(left_out, LeftOut::DeletedIds);
    assert_eq!(
        smaller.outcome.as_ref().unwrap().comparison,
        done.outcome.as_ref().unwrap().comparison
    );
    assert_eq!(smaller.lighter(), None);
    assert_eq!(SavedReclaim::from_json("{\"homeserver\":1}"), None);
    assert_eq!(SavedReclaim::from_json(""), None);
}
