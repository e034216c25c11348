//! Models read from a joined row by position. A page row holds the group's, the household's and the
//! pledge's columns side by side; reading them by prefixed name formats and hashes a name per column
//! per row, which was most of a page's decoding cost. Each entity's columns are selected in the order
//! of its `Column` enum, so a column's index is the section's first index plus the variant's position.

use sea_orm::{DbErr, QueryResult, TryGetable};
use uuid::Uuid;

use crate::entities::{household, pledge, residential_group as group};

/// Where one entity's columns start in a row.
#[derive(Debug, Clone, Copy)]
pub(super) struct Section(pub usize);

impl Section {
    /// The section that follows this one, of an entity with `columns` columns.
    pub fn then(self, columns: usize) -> Section {
        Section(self.0 + columns)
    }

    fn get<T: TryGetable>(self, row: &QueryResult, position: usize) -> Result<T, DbErr> {
        row.try_get_by_index(self.0 + position)
    }

    /// The household of this section; none when its id is null (the empty side of an outer join).
    pub fn household(self, row: &QueryResult) -> Result<Option<household::Model>, DbErr> {
        use household::Column as C;
        let Some(id) = self.get::<Option<Uuid>>(row, C::Id as usize)? else { return Ok(None) };
        Ok(Some(household::Model {
            id,
            group_id: self.get(row, C::GroupId as usize)?,
            code: self.get(row, C::Code as usize)?,
            sort_key: self.get(row, C::SortKey as usize)?,
            head_name: self.get(row, C::HeadName as usize)?,
            address: self.get(row, C::Address as usize)?,
            member_count: self.get(row, C::MemberCount as usize)?,
            phone: self.get(row, C::Phone as usize)?,
            status: self.get(row, C::Status as usize)?,
            search_text: self.get(row, C::SearchText as usize)?,
            version: self.get(row, C::Version as usize)?,
            created_at: self.get(row, C::CreatedAt as usize)?,
            updated_at: self.get(row, C::UpdatedAt as usize)?,
        }))
    }

    /// The pledge of this section; none when its id is null.
    pub fn pledge(self, row: &QueryResult) -> Result<Option<pledge::Model>, DbErr> {
        use pledge::Column as C;
        let Some(id) = self.get::<Option<Uuid>>(row, C::Id as usize)? else { return Ok(None) };
        Ok(Some(pledge::Model {
            id,
            household_id: self.get(row, C::HouseholdId as usize)?,
            campaign_id: self.get(row, C::CampaignId as usize)?,
            group_id: self.get(row, C::GroupId as usize)?,
            signer_name: self.get(row, C::SignerName as usize)?,
            signed_on: self.get(row, C::SignedOn as usize)?,
            note: self.get(row, C::Note as usize)?,
            status: self.get(row, C::Status as usize)?,
            withdrawn_reason: self.get(row, C::WithdrawnReason as usize)?,
            recorded_by: self.get(row, C::RecordedBy as usize)?,
            recorded_at: self.get(row, C::RecordedAt as usize)?,
            client_mutation_id: self.get(row, C::ClientMutationId as usize)?,
            updated_at: self.get(row, C::UpdatedAt as usize)?,
        }))
    }

    /// The group of this section.
    pub fn group(self, row: &QueryResult) -> Result<group::Model, DbErr> {
        use group::Column as C;
        Ok(group::Model {
            id: self.get(row, C::Id as usize)?,
            ward_id: self.get(row, C::WardId as usize)?,
            code: self.get(row, C::Code as usize)?,
            sort_key: self.get(row, C::SortKey as usize)?,
            name: self.get(row, C::Name as usize)?,
            created_at: self.get(row, C::CreatedAt as usize)?,
            updated_at: self.get(row, C::UpdatedAt as usize)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{IdenStatic, Iterable};

    use super::*;

    /// A column's index is its variant's position: true only while `Column::iter` walks the variants in
    /// declaration order with no gaps, which these pin for every entity read here.
    #[test]
    fn column_positions_follow_the_select_order() {
        for (position, column) in household::Column::iter().enumerate() {
            assert_eq!(column as usize, position, "household.{}", column.as_str());
        }
        for (position, column) in pledge::Column::iter().enumerate() {
            assert_eq!(column as usize, position, "pledge.{}", column.as_str());
        }
        for (position, column) in group::Column::iter().enumerate() {
            assert_eq!(column as usize, position, "residential_group.{}", column.as_str());
        }
    }
}
