//! The pledge drive in the matrix: campaigns (list, one, create, update, open, close) and pledges
//! (record, record in a batch, withdraw). A campaign operation aims at a campaign for every ward
//! (`Unscoped`), for ward A (`Own`) or for ward B (`Foreign`); updates and transitions get a fresh one of
//! their own. A pledge operation aims at a fresh household of the target group and the world's campaign
//! for every ward, which everyone sees, so the household alone decides the answer.

use pledge_api::domain::campaign::{CampaignStatus, PledgeStatus};
use serde_json::{Value, json};

use super::{Operation, Outcome, Prepared, ensure, ensure_eq, ensure_json, place};
use crate::{
    drive::{PLEDGE_ITEMS, campaign_input, create_campaign_as, recorded, transition},
    helpers::{TestApp, create_household, unknown_id},
    permissions::{
        Case, Expected, Scope,
        world::{World, id_or_unknown},
    },
    world::{Rows, vietnam_today},
};

/// The request of each pledge-drive operation.
pub(super) fn query(operation: Operation) -> &'static str {
    use Operation::*;
    match operation {
        Campaigns => "{ campaigns { totalCount edges { node { title } } } }",
        Campaign => "query($id: ID!) { campaign(id: $id) { id title status ward { id } } }",
        CreateCampaign => {
            "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { title status ward { id } } }"
        }
        UpdateCampaign => {
            "mutation($id: ID!, $input: UpdateCampaignInput!) { updateCampaign(id: $id, input: $input) { id title status } }"
        }
        OpenCampaign => "mutation($id: ID!) { openCampaign(id: $id) { id status } }",
        CloseCampaign => "mutation($id: ID!) { closeCampaign(id: $id) { id status } }",
        RecordPledge => {
            "mutation($input: RecordPledgeInput!) { recordPledge(input: $input) {
                signerName status household { id } campaign { id }
            } }"
        }
        RecordPledges => {
            "mutation($inputs: [RecordPledgeInput!]!) { recordPledges(inputs: $inputs) {
                pledge { signerName status household { id } campaign { id } } error { code message field }
            } }"
        }
        WithdrawPledge => {
            "mutation($id: ID!, $reason: String) { withdrawPledge(id: $id, reason: $reason) { id status withdrawnReason } }"
        }
        _ => unreachable!("{operation:?} is not an operation of the pledge drive"),
    }
}

/// A draft campaign for the target of `scope` (none for `Missing`), made by the administrator.
async fn fresh_campaign(world: &World, scope: Scope, title: &str, open: bool) -> String {
    if scope == Scope::Missing {
        return unknown_id();
    }
    let app = &world.app;
    let ward = world.campaign_ward(scope).map(|w| w.id.clone());
    let id = create_campaign_as(app, &app.admin_token, title, ward.as_deref()).await;
    if open {
        transition(app, "openCampaign", &id).await;
    }
    id
}

/// A new household of the target group of `scope` (an unknown id for `Missing`).
async fn fresh_household(world: &World, scope: Scope, n: usize) -> String {
    match world.group(scope) {
        Some(group) => create_household(&world.app, &group.id, &format!("P{n}"), "Đặng Văn Ký").await,
        None => unknown_id(),
    }
}

/// A pledge of `household_id` for the campaign for every ward, signed today by `signer`.
fn pledge_input(world: &World, app: &TestApp, household_id: &str, signer: &str) -> Value {
    json!({
        "clientMutationId": unknown_id(), "householdId": household_id, "campaignId": world.campaign_all.id,
        "signerName": signer, "signedOn": vietnam_today(app).to_string()
    })
}

/// Arranges what `operation` needs on `scope`; `n` is unique to the case.
pub(super) async fn prepare(world: &World, operation: Operation, scope: Scope, n: usize, p: &mut Prepared) {
    use Operation::*;
    let app = &world.app;
    match operation {
        Campaigns => {}
        Campaign => p.target = id_or_unknown(world.campaign(scope)),
        CreateCampaign => {
            p.target = match scope {
                Scope::Unscoped => String::new(),
                Scope::Missing => unknown_id(),
                _ => id_or_unknown(world.campaign_ward(scope)),
            };
            p.value = format!("Chiến dịch mới {n}");
            let ward = Some(p.target.as_str()).filter(|t| !t.is_empty());
            p.variables = json!({ "input": campaign_input(&p.value, ward) });
        }
        UpdateCampaign => {
            p.target = fresh_campaign(world, scope, &format!("Bản nháp {n}"), false).await;
            p.value = format!("Tên mới {n}");
            p.variables = json!({ "id": p.target, "input": { "title": p.value } });
        }
        OpenCampaign | CloseCampaign => {
            let open = operation == CloseCampaign;
            p.target = fresh_campaign(world, scope, &format!("Chiến dịch {n}"), open).await;
            p.variables = json!({ "id": p.target });
        }
        RecordPledge | RecordPledges => {
            p.target = fresh_household(world, scope, n).await;
            p.value = format!("Người ký {n}");
            let input = pledge_input(world, app, &p.target, &p.value);
            p.variables = if operation == RecordPledge {
                json!({ "input": input })
            } else {
                json!({ "inputs": [input] })
            };
        }
        WithdrawPledge => {
            p.target = match scope {
                Scope::Missing => unknown_id(),
                _ => {
                    let household = fresh_household(world, scope, n).await;
                    let pledge =
                        recorded(app, &app.admin_token, &pledge_input(world, app, &household, "Chủ hộ"))
                            .await;
                    pledge["id"].as_str().expect("pledge id").to_owned()
                }
            };
            p.value = format!("Lý do {n}");
            p.variables = json!({ "id": p.target, "reason": p.value });
        }
        _ => unreachable!("{operation:?} is not an operation of the pledge drive"),
    }
}

/// Nothing was written.
pub(super) fn untouched(before: &Rows, after: &Rows) -> Outcome {
    let changed = before.changed_tables(after);
    ensure(changed.is_empty(), || format!("the database changed: tables {changed:?}"))
}

/// A successful write: exactly `tables` and the audit trail changed; `added` rows of campaign, pledge
/// and client_mutation and `changes` change-log rows were added; one audit event names `actor`.
fn wrote(
    before: &Rows,
    after: &Rows,
    actor: &str,
    tables: &[&str],
    added: [usize; 3],
    changes: usize,
) -> Outcome {
    let mut changed = before.changed_tables(after);
    changed.sort_unstable();
    let mut expected = [tables, &["audit_event"]].concat();
    expected.sort_unstable();
    ensure_eq("tables changed", &changed, &expected)?;
    let grown = |a: usize, b: usize| a.saturating_sub(b);
    ensure_eq(
        "rows added to campaign, pledge, client_mutation",
        &[
            grown(after.campaigns.len(), before.campaigns.len()),
            grown(after.pledges.len(), before.pledges.len()),
            grown(after.keys.len(), before.keys.len()),
        ],
        &added,
    )?;
    ensure_eq("change-log rows added", &after.changes_since(before).len(), &changes)?;
    let actors: Vec<_> = after.audit_events_since(before).iter().map(|e| e.actor_id).collect();
    ensure_eq("actor of the audit event", &actors, &vec![Some(after.snapshot.user(actor).id)])
}

/// The id of a place as the API shows a nested object: `{ id }`, or null.
fn nested(place: Option<&crate::permissions::world::Place>) -> Value {
    place.map_or(Value::Null, |p| json!({ "id": p.id }))
}

/// Checks an allowed call: the exact data, and exactly the rows it was meant to add or change.
pub(super) fn check(
    world: &World,
    case: &Case,
    p: &Prepared,
    data: &Value,
    before: &Rows,
    after: &Rows,
) -> Outcome {
    use Operation::*;
    let scope = case.scope;
    let actor = world.username(case.caller);
    let read = |expected: Value| {
        ensure_json("data", data, &expected)?;
        untouched(before, after)
    };
    let stored_campaign = || after.campaigns.iter().find(|c| c.id.to_string() == p.target);
    match (case.operation, case.expected) {
        (Campaigns, Expected::Sees(titles)) => {
            let edges: Vec<Value> = titles.iter().map(|t| json!({ "node": { "title": t } })).collect();
            read(json!({ "campaigns": { "totalCount": titles.len(), "edges": edges } }))
        }
        (Campaigns, _) | (_, Expected::Sees(_)) => {
            Err("the matrix must list the campaigns, and only them".into())
        }
        (Campaign, _) => {
            let campaign = place(world.campaign(scope))?;
            read(json!({ "campaign": {
                "id": campaign.id, "title": campaign.name, "status": "OPEN", "ward": nested(world.campaign_ward(scope))
            } }))
        }
        (CreateCampaign, _) => {
            let ward = world.campaign_ward(scope);
            ensure_json(
                "data",
                data,
                &json!({ "createCampaign": { "title": p.value, "status": "DRAFT", "ward": nested(ward) } }),
            )?;
            wrote(before, after, actor, &["campaign"], [1, 0, 0], 0)?;
            let stored: Vec<_> = after
                .campaigns
                .iter()
                .filter(|c| c.title == p.value)
                .map(|c| (c.status, c.ward_id.map(|w| w.to_string()), c.pledge_items.clone()))
                .collect();
            let items = serde_json::to_string(&PLEDGE_ITEMS).map_err(|e| e.to_string())?;
            ensure_eq(
                "stored campaign",
                &stored,
                &vec![(CampaignStatus::Draft, ward.map(|w| w.id.clone()), items)],
            )
        }
        (UpdateCampaign, _) => {
            ensure_json(
                "data",
                data,
                &json!({ "updateCampaign": { "id": p.target, "title": p.value, "status": "DRAFT" } }),
            )?;
            wrote(before, after, actor, &["campaign"], [0, 0, 0], 0)?;
            ensure_eq("stored title", &stored_campaign().map(|c| c.title.as_str()), &Some(p.value.as_str()))
        }
        (OpenCampaign | CloseCampaign, _) => {
            let (field, status, stored_status, action) = match case.operation {
                OpenCampaign => ("openCampaign", "OPEN", CampaignStatus::Open, "campaign.open"),
                _ => ("closeCampaign", "CLOSED", CampaignStatus::Closed, "campaign.close"),
            };
            ensure_json("data", data, &json!({ field: { "id": p.target, "status": status } }))?;
            wrote(before, after, actor, &["campaign"], [0, 0, 0], 0)?;
            ensure_eq("stored status", &stored_campaign().map(|c| c.status), &Some(stored_status))?;
            let actions: Vec<_> = after.audit_events_since(before).iter().map(|e| e.action.clone()).collect();
            ensure_eq("audited as", &actions, &vec![action.to_owned()])
        }
        (RecordPledge | RecordPledges, _) => {
            let pledge = json!({
                "signerName": p.value, "status": "SIGNED", "household": { "id": p.target },
                "campaign": { "id": world.campaign_all.id }
            });
            let expected = if case.operation == RecordPledge {
                json!({ "recordPledge": pledge })
            } else {
                json!({ "recordPledges": [{ "pledge": pledge, "error": null }] })
            };
            ensure_json("data", data, &expected)?;
            wrote(before, after, actor, &["pledge", "client_mutation", "change_log"], [0, 1, 1], 1)?;
            let stored: Vec<_> = after
                .pledges
                .iter()
                .filter(|s| !before.pledges.contains(s))
                .map(|s| (s.household_id.to_string(), s.status, s.recorded_by))
                .collect();
            let recorder = Some(after.snapshot.user(actor).id);
            ensure_eq("stored pledge", &stored, &vec![(p.target.clone(), PledgeStatus::Signed, recorder)])
        }
        (WithdrawPledge, _) => {
            ensure_json(
                "data",
                data,
                &json!({ "withdrawPledge": { "id": p.target, "status": "WITHDRAWN", "withdrawnReason": p.value } }),
            )?;
            wrote(before, after, actor, &["pledge", "change_log"], [0, 0, 0], 1)?;
            let stored = after.pledges.iter().find(|s| s.id.to_string() == p.target).ok_or("pledge gone")?;
            ensure_eq(
                "stored status and reason",
                &(stored.status, stored.withdrawn_reason.as_deref()),
                &(PledgeStatus::Withdrawn, Some(p.value.as_str())),
            )
        }
        (operation, _) => Err(format!("{operation:?} is not an operation of the pledge drive")),
    }
}

/// The error of the only item of a `recordPledges` answer, asserting the call itself succeeded and
/// stored no pledge for the item.
pub(super) fn item_error(body: &Value) -> Result<&Value, String> {
    ensure(body.get("errors").is_none(), || format!("the call itself failed: {body}"))?;
    let results = body["data"]["recordPledges"].as_array().ok_or_else(|| format!("no results in {body}"))?;
    ensure_eq("results", &results.len(), &1)?;
    ensure_json("pledge of a refused item", &results[0]["pledge"], &Value::Null)?;
    Ok(&results[0]["error"])
}
