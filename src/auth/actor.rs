//! `Actor`: the caller with the union of their role assignments, and the scope questions services ask.

use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};
use uuid::Uuid;

/// A role a user may hold; each assignment carries its own scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    /// Runs the service: everything.
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    /// The ward steering committee or People's Committee: one ward.
    #[sea_orm(string_value = "WARD_OFFICIAL")]
    WardOfficial,
    /// Head of a residential group: one group.
    #[sea_orm(string_value = "GROUP_LEADER")]
    GroupLeader,
    /// The ward police: the incident figures of one ward, and its reports to read.
    #[sea_orm(string_value = "WARD_POLICE")]
    WardPolice,
}

/// The caller of a request and what their assignments cover.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor {
    /// The user, or the nil UUID for the service itself (migrations, demo seeding).
    pub user_id: Uuid,
    admin: bool,
    official_wards: Vec<Uuid>,
    /// (group, its ward) for each group the actor leads.
    leader_groups: Vec<(Uuid, Uuid)>,
    police_wards: Vec<Uuid>,
}

/// The wards of a user's ward-scoped assignments, by role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WardRoles {
    /// Wards they are an official of.
    pub official: Vec<Uuid>,
    /// Wards they are the police of.
    pub police: Vec<Uuid>,
}

impl Actor {
    /// The service acting on its own behalf, with every right (seeding, command-line tools).
    pub fn system() -> Self {
        Self { admin: true, ..Self::nobody() }
    }

    /// An actor from the assignments of a user: `wards` they are an official or the police of, `groups`
    /// (with their wards) they lead.
    pub fn new(user_id: Uuid, admin: bool, wards: WardRoles, leader_groups: Vec<(Uuid, Uuid)>) -> Self {
        Self { user_id, admin, official_wards: wards.official, leader_groups, police_wards: wards.police }
    }

    /// Nobody: an actor that sees nothing (for requests without a valid token).
    pub fn nobody() -> Self {
        Self {
            user_id: Uuid::nil(),
            admin: false,
            official_wards: Vec::new(),
            leader_groups: Vec::new(),
            police_wards: Vec::new(),
        }
    }

    /// Holds the `ADMIN` role.
    pub fn is_admin(&self) -> bool {
        self.admin
    }

    /// Holds a role of at least `WARD_OFFICIAL` somewhere.
    pub fn is_official_anywhere(&self) -> bool {
        self.admin || !self.official_wards.is_empty()
    }

    /// Leads groups and holds no other role: the app's users, whom a setting may hold to the
    /// registered operations.
    pub fn is_group_leader_only(&self) -> bool {
        !self.is_official_anywhere() && self.police_wards.is_empty() && !self.leader_groups.is_empty()
    }

    /// Holds a role that works with households, pledges and good deeds (in its scope): every role but
    /// the ward police, who read the ward's reports and never the households behind them.
    pub fn works_with_households(&self) -> bool {
        self.is_official_anywhere() || !self.leader_groups.is_empty()
    }

    /// Holds a role that records incident figures somewhere: administrators, officials, the police.
    pub fn records_incidents_anywhere(&self) -> bool {
        self.is_official_anywhere() || !self.police_wards.is_empty()
    }

    /// May record and correct the incident figures of this ward.
    pub fn records_incidents_in(&self, ward_id: Uuid) -> bool {
        self.governs_ward(ward_id) || self.police_wards.contains(&ward_id)
    }

    /// Wards the actor is an official of (empty for admins, who see all).
    pub fn official_wards(&self) -> &[Uuid] {
        &self.official_wards
    }

    /// Wards the actor is the police of.
    pub fn police_wards(&self) -> &[Uuid] {
        &self.police_wards
    }

    /// Wards whose every group the actor may read (its name, its reports): their official and police
    /// wards (empty for admins, who see all).
    pub fn report_wards(&self) -> Vec<Uuid> {
        let mut wards = self.official_wards.clone();
        wards.extend(self.police_wards.iter().copied());
        wards.sort_unstable();
        wards.dedup();
        wards
    }

    /// Groups the actor leads.
    pub fn leader_group_ids(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.leader_groups.iter().map(|(group, _)| *group)
    }

    /// Wards the actor may read the name of: their official and police wards and the wards of groups
    /// they lead.
    pub fn visible_ward_ids(&self) -> Vec<Uuid> {
        let mut wards = self.report_wards();
        wards.extend(self.leader_groups.iter().map(|(_, ward)| *ward));
        wards.sort_unstable();
        wards.dedup();
        wards
    }

    /// May manage (create or update groups, campaigns, verify deeds) in this ward.
    pub fn governs_ward(&self, ward_id: Uuid) -> bool {
        self.admin || self.official_wards.contains(&ward_id)
    }

    /// May read and write the households of this group (which lies in `ward_id`).
    pub fn covers_group(&self, group_id: Uuid, ward_id: Uuid) -> bool {
        self.governs_ward(ward_id) || self.leader_groups.iter().any(|(group, _)| *group == group_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_police_record_their_wards_figures_and_never_work_with_households() {
        let (ward, other, group) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let police = Actor::new(
            Uuid::now_v7(),
            false,
            WardRoles { official: Vec::new(), police: vec![ward] },
            Vec::new(),
        );
        assert!(!police.works_with_households());
        assert!(police.records_incidents_anywhere());
        assert!(police.records_incidents_in(ward) && !police.records_incidents_in(other));
        assert!(!police.governs_ward(ward) && !police.covers_group(group, ward));
        assert_eq!(police.visible_ward_ids(), [ward]);
        assert!(!police.is_group_leader_only(), "the police are not held to the app's operations");

        // Also leading a group elsewhere: households of that group, figures of their ward only.
        let both = Actor::new(
            Uuid::now_v7(),
            false,
            WardRoles { official: Vec::new(), police: vec![ward] },
            vec![(group, other)],
        );
        assert!(both.works_with_households() && both.covers_group(group, other));
        assert!(!both.records_incidents_in(other));
        assert!(!both.is_group_leader_only());
    }
}
