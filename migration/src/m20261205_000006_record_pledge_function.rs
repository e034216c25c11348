//! `record_pledge`: a household's pledge recorded in one statement on PostgreSQL (one round trip
//! instead of a dozen). It checks the idempotency key and the caller's scope, and inserts the pledge
//! with its idempotency key, audit event, change-log row and coverage counter; the statement is atomic,
//! so all of them commit or none. The coverage event is the application's to send, after the commit
//! (a notification inside the statement would serialise every pledge's commit behind the previous). On SQLite this migration does nothing: the
//! application records pledges there with ordinary queries in a transaction.
//!
//! The function decides the common cases itself and answers an `outcome` the application turns into
//! the same answer as its general path: `recorded`, `replayed` (same key, same payload: nothing
//! written), `key_reused`, `already_signed`, `household_not_found` (missing or out of scope alike),
//! `household_inactive`, `campaign_not_found`, `campaign_not_open`, `campaign_other_ward`,
//! `outside_campaign`, `in_future`; and `general` (a withdrawn pledge signed again) when the
//! application must take its general path. Nothing is written unless the outcome is `recorded`.
//! A unique violation it raises (the key taken meanwhile by another request) aborts the statement;
//! the application then decides again on its general path.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The arguments, for `DROP FUNCTION`.
const SIGNATURE: &str = "record_pledge(uuid, uuid, uuid, uuid, text, date, text, text, uuid, timestamptz, \
                         date, boolean, uuid[], uuid[], uuid[], uuid, text)";

const CREATE: &str = r#"
CREATE OR REPLACE FUNCTION record_pledge(
    p_pledge_id uuid,
    p_client_mutation_id uuid,
    p_household_id uuid,
    p_campaign_id uuid,
    p_signer_name text,
    p_signed_on date,
    p_note text,
    p_payload_hash text,
    p_recorded_by uuid,
    p_now timestamptz,
    p_today date,
    -- The caller's scope: an administrator sees everything; an official the groups of their wards; a
    -- leader their groups; campaigns are visible when for every ward or one of `p_visible_wards`.
    p_admin boolean,
    p_official_wards uuid[],
    p_led_groups uuid[],
    p_visible_wards uuid[],
    p_audit_id uuid,
    p_audit_summary text,
    OUT outcome text,
    OUT group_ward uuid,
    OUT household_status text,
    OUT campaign_status text,
    OUT campaign_starts_on date,
    OUT campaign_ends_on date,
    -- The pledge recorded, replayed, or standing in the way (columns of `pledge`, prefixed).
    OUT pledge_id uuid,
    OUT pledge_household_id uuid,
    OUT pledge_campaign_id uuid,
    OUT pledge_group_id uuid,
    OUT pledge_signer_name text,
    OUT pledge_signed_on date,
    OUT pledge_note text,
    OUT pledge_status text,
    OUT pledge_withdrawn_reason text,
    OUT pledge_recorded_by uuid,
    OUT pledge_recorded_at timestamptz,
    OUT pledge_client_mutation_id uuid,
    OUT pledge_updated_at timestamptz
)
LANGUAGE plpgsql
AS $function$
DECLARE
    v_key client_mutation%ROWTYPE;
    v_pledge pledge%ROWTYPE;
    v_group uuid;
    v_campaign campaign%ROWTYPE;
BEGIN
    <<decide>>
    BEGIN
        -- A key already used: the same request again answers its pledge (as it is now) if the caller
        -- may see it; anything else under that key is a conflict. Checked first, so a retry after
        -- the campaign closed still answers.
        SELECT k.* INTO v_key FROM client_mutation k WHERE k.id = p_client_mutation_id;
        IF FOUND THEN
            SELECT p.* INTO v_pledge
            FROM pledge p JOIN residential_group g ON g.id = p.group_id
            WHERE p.id = v_key.target_id
              AND (p_admin OR p.group_id = ANY (p_led_groups) OR g.ward_id = ANY (p_official_wards));
            IF FOUND AND v_key.kind = 'pledge' AND v_key.payload_hash = p_payload_hash THEN
                outcome := 'replayed';
            ELSE
                outcome := 'key_reused';
                v_pledge := NULL;
            END IF;
            EXIT decide;
        END IF;

        -- Out of scope answers exactly like missing.
        SELECT h.status, h.group_id, g.ward_id INTO household_status, v_group, group_ward
        FROM household h JOIN residential_group g ON g.id = h.group_id
        WHERE h.id = p_household_id
          AND (p_admin OR h.group_id = ANY (p_led_groups) OR g.ward_id = ANY (p_official_wards));
        IF NOT FOUND THEN
            outcome := 'household_not_found';
            EXIT decide;
        END IF;
        IF household_status <> 'ACTIVE' THEN
            outcome := 'household_inactive';
            EXIT decide;
        END IF;

        SELECT c.* INTO v_campaign FROM campaign c
        WHERE c.id = p_campaign_id AND (p_admin OR c.ward_id IS NULL OR c.ward_id = ANY (p_visible_wards));
        IF NOT FOUND THEN
            outcome := 'campaign_not_found';
            EXIT decide;
        END IF;
        campaign_status := v_campaign.status;
        campaign_starts_on := v_campaign.starts_on;
        campaign_ends_on := v_campaign.ends_on;
        IF v_campaign.status <> 'OPEN' THEN
            outcome := 'campaign_not_open';
        ELSIF v_campaign.ward_id IS NOT NULL AND v_campaign.ward_id <> group_ward THEN
            outcome := 'campaign_other_ward';
        ELSIF p_signed_on < v_campaign.starts_on OR p_signed_on > v_campaign.ends_on THEN
            outcome := 'outside_campaign';
        ELSIF p_signed_on > p_today THEN
            outcome := 'in_future';
        END IF;
        IF outcome IS NOT NULL THEN
            EXIT decide;
        END IF;

        -- One pledge per household and campaign: a concurrent insert of the same pair is waited for,
        -- then the row that stands decides.
        INSERT INTO pledge (id, household_id, campaign_id, group_id, signer_name, signed_on, note, status,
                            withdrawn_reason, recorded_by, recorded_at, client_mutation_id, updated_at)
        VALUES (p_pledge_id, p_household_id, p_campaign_id, v_group, p_signer_name, p_signed_on, p_note,
                'SIGNED', NULL, p_recorded_by, p_now, p_client_mutation_id, p_now)
        ON CONFLICT (household_id, campaign_id) DO NOTHING
        RETURNING * INTO v_pledge;
        IF NOT FOUND THEN
            SELECT p.* INTO v_pledge FROM pledge p
            WHERE p.household_id = p_household_id AND p.campaign_id = p_campaign_id;
            IF NOT FOUND OR v_pledge.status <> 'SIGNED' THEN
                -- Withdrawn: signing again reuses the row, on the general path.
                outcome := 'general';
                v_pledge := NULL;
            ELSIF v_pledge.client_mutation_id = p_client_mutation_id THEN
                -- The same key, committed by a concurrent request meanwhile.
                IF v_pledge.signer_name = p_signer_name AND v_pledge.signed_on = p_signed_on
                   AND v_pledge.note IS NOT DISTINCT FROM p_note THEN
                    outcome := 'replayed';
                ELSE
                    outcome := 'key_reused';
                    v_pledge := NULL;
                END IF;
            ELSE
                outcome := 'already_signed';
            END IF;
            EXIT decide;
        END IF;

        -- A key taken meanwhile raises a unique violation here, which undoes the pledge too.
        INSERT INTO client_mutation (id, user_id, kind, payload_hash, target_id, created_at)
        VALUES (p_client_mutation_id, p_recorded_by, 'pledge', p_payload_hash, p_pledge_id, p_now);
        INSERT INTO audit_event (id, actor_id, action, target_type, target_id, ward_id, occurred_at, summary)
        VALUES (p_audit_id, p_recorded_by, 'pledge.record', 'pledge', p_pledge_id, group_ward, p_now,
                p_audit_summary);
        INSERT INTO change_log (tx, entity_type, entity_id, group_id, ward_id, changed_at)
        VALUES (pg_current_xact_id()::text::bigint, 'pledge', p_pledge_id, v_group, group_ward, p_now);
        -- A SIGNED pledge of an ACTIVE household: one more in its group's numerator.
        INSERT INTO campaign_group_coverage AS c (campaign_id, group_id, signed_households)
        VALUES (p_campaign_id, v_group, 1)
        ON CONFLICT (campaign_id, group_id) DO UPDATE SET signed_households = c.signed_households + 1;
        outcome := 'recorded';
    END decide;

    IF v_pledge.id IS NOT NULL THEN
        pledge_id := v_pledge.id;
        pledge_household_id := v_pledge.household_id;
        pledge_campaign_id := v_pledge.campaign_id;
        pledge_group_id := v_pledge.group_id;
        pledge_signer_name := v_pledge.signer_name;
        pledge_signed_on := v_pledge.signed_on;
        pledge_note := v_pledge.note;
        pledge_status := v_pledge.status;
        pledge_withdrawn_reason := v_pledge.withdrawn_reason;
        pledge_recorded_by := v_pledge.recorded_by;
        pledge_recorded_at := v_pledge.recorded_at;
        pledge_client_mutation_id := v_pledge.client_mutation_id;
        pledge_updated_at := v_pledge.updated_at;
    END IF;
END;
$function$
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        manager.get_connection().execute_unprepared(CREATE).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        manager.get_connection().execute_unprepared(&format!("DROP FUNCTION IF EXISTS {SIGNATURE}")).await?;
        Ok(())
    }
}
