//! Pieces shared by several pages.

pub mod bulk_media;
pub mod choice;
pub mod confirm_dialog;
pub mod delete_old_media;
pub mod deployment_problem;
pub mod error_view;
pub mod field;
pub mod media_outcome;
pub mod pager;
pub mod purges_panel;
pub mod reclaim_record;
pub mod remote_cache;
pub mod room_picker;
pub mod row_window;
pub mod shell;
pub mod sign_out;
pub mod thumbnail;
pub mod usage_chart;
