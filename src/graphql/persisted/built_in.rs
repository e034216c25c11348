//! The leaders' app's operations, compiled in so that they are registered wherever the server starts.
//! A unit test checks that this list is exactly the files of `schema/operations/`.

pub(super) const OPERATIONS: &[(&str, &str)] = &[
    ("Campaigns", include_str!("../../../schema/operations/Campaigns.graphql")),
    ("Changes", include_str!("../../../schema/operations/Changes.graphql")),
    ("CoverageUpdated", include_str!("../../../schema/operations/CoverageUpdated.graphql")),
    ("CreateHousehold", include_str!("../../../schema/operations/CreateHousehold.graphql")),
    ("GroupCoverage", include_str!("../../../schema/operations/GroupCoverage.graphql")),
    ("GroupHouseholds", include_str!("../../../schema/operations/GroupHouseholds.graphql")),
    ("Login", include_str!("../../../schema/operations/Login.graphql")),
    ("Logout", include_str!("../../../schema/operations/Logout.graphql")),
    ("Me", include_str!("../../../schema/operations/Me.graphql")),
    ("RecordGoodDeed", include_str!("../../../schema/operations/RecordGoodDeed.graphql")),
    ("RecordPledge", include_str!("../../../schema/operations/RecordPledge.graphql")),
    ("RecordPledges", include_str!("../../../schema/operations/RecordPledges.graphql")),
    ("RecordSurveyBallots", include_str!("../../../schema/operations/RecordSurveyBallots.graphql")),
    ("RefreshSession", include_str!("../../../schema/operations/RefreshSession.graphql")),
    ("SyncPledges", include_str!("../../../schema/operations/SyncPledges.graphql")),
    ("UpdateHousehold", include_str!("../../../schema/operations/UpdateHousehold.graphql")),
    ("WardSurveys", include_str!("../../../schema/operations/WardSurveys.graphql")),
    ("WithdrawPledge", include_str!("../../../schema/operations/WithdrawPledge.graphql")),
];
