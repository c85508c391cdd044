//! What an action on a media list came to, as data; `text` words it, in one place.

use crate::words::errors::{next_step, summary};
use synapse_api::endpoints::media::MediaAction;
use synapse_api::ApiError;

use crate::words::media::past_tense;

#[derive(Clone, Debug)]
pub enum MediaOutcome {
    /// One file acted on.
    Done { file: String, action: MediaAction },
    /// One file the server would not act on.
    Refused {
        file: String,
        action: MediaAction,
        error: ApiError,
    },
    /// A room's or a user's files quarantined by the server; for a user, `newly`
    /// counts only those not quarantined before.
    QuarantinedAll { count: u64, newly: bool },
    /// Every file of a user deleted.
    DeletedAll { count: u64 },
    /// A whole-room or whole-user action that failed.
    AllFailed(ApiError),
    /// The whole list (to select it all) could not be read.
    ListUnreadable(ApiError),
}

impl MediaOutcome {
    /// Said as an alert, not a status.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            MediaOutcome::Refused { .. }
                | MediaOutcome::AllFailed(_)
                | MediaOutcome::ListUnreadable(_)
        )
    }

    pub fn text(&self) -> String {
        match self {
            MediaOutcome::Done { file, action } => format!("{file} is {}.", past_tense(*action)),
            MediaOutcome::Refused {
                file,
                action,
                error,
            } => format!(
                "{file} could not be {}: {} {}",
                past_tense(*action),
                summary(error),
                next_step(error)
            ),
            MediaOutcome::QuarantinedAll {
                count,
                newly: false,
            } => format!("The server quarantined {count} file(s)."),
            MediaOutcome::QuarantinedAll { count, newly: true } => {
                format!("The server quarantined {count} file(s) newly.")
            }
            MediaOutcome::DeletedAll { count } => {
                format!("Deleted {count} file(s); none is left.")
            }
            MediaOutcome::AllFailed(error) => format!("{} {}", summary(error), next_step(error)),
            MediaOutcome::ListUnreadable(error) => {
                format!("Could not load the whole list: {}", summary(error))
            }
        }
    }
}
