//! Which operations' whole answers may be kept and reused (see `service::AnswerKey`): queries whose
//! every field shows data that moves with the generations of its ward (coverage figures, groups, wards,
//! households and their pledges), below root fields that report the wards they read. Anything else
//! (users, the audit trail, good deeds, campaigns, daily charts) makes the answer one-off.

use std::collections::HashMap;

use async_graphql::parser::{
    parse_schema,
    types::{
        BaseType, DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet, TypeKind,
        TypeSystemDefinition,
    },
};

/// The fields, by type, whose answers follow the generations of the wards they read.
const FOLLOWED: &[(&str, &[&str])] = &[
    ("Query", &["group", "coverageReport"]),
    (
        "CoverageReport",
        &[
            "asOf",
            "totalHouseholds",
            "signedHouseholds",
            "coverage",
            "fullyCovered",
            "groupsTotal",
            "groupsFullyCovered",
            "wards",
            "groups",
        ],
    ),
    (
        "WardCoverage",
        &[
            "ward",
            "totalHouseholds",
            "signedHouseholds",
            "coverage",
            "fullyCovered",
            "groupsTotal",
            "groupsFullyCovered",
        ],
    ),
    ("GroupCoverage", &["group", "totalHouseholds", "signedHouseholds", "coverage", "fullyCovered"]),
    ("Ward", &["id", "code", "name", "province", "createdAt", "updatedAt"]),
    ("ResidentialGroup", &["id", "code", "name", "createdAt", "updatedAt", "ward", "households"]),
    ("HouseholdConnection", &["edges", "pageInfo", "totalCount"]),
    ("HouseholdEdge", &["cursor", "node"]),
    ("PageInfo", &["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"]),
    (
        "Household",
        &[
            "id",
            "code",
            "headName",
            "address",
            "memberCount",
            "phone",
            "status",
            "version",
            "createdAt",
            "updatedAt",
            "pledge",
        ],
    ),
    (
        "Pledge",
        &[
            "id",
            "signerName",
            "signedOn",
            "note",
            "status",
            "withdrawnReason",
            "recordedAt",
            "clientMutationId",
            "updatedAt",
        ],
    ),
];

/// Deeper than any document the limits let through: a cycle of fragments ends here.
const MAX_DEPTH: usize = 32;

/// The followed fields of the schema, each with the type it answers.
#[derive(Debug)]
pub struct Answerable {
    fields: HashMap<(String, String), String>,
}

impl Answerable {
    /// The followed fields as the schema `sdl` types them.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut fields = HashMap::new();
        let Ok(document) = parse_schema(sdl) else { return Self { fields } };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else { continue };
            let definition = definition.node;
            let TypeKind::Object(object) = definition.kind else { continue };
            let type_name = definition.name.node.as_str();
            let Some((_, followed)) = FOLLOWED.iter().find(|(name, _)| *name == type_name) else { continue };
            for field in object.fields {
                let field = field.node;
                if followed.contains(&field.name.node.as_str()) {
                    let mut ty = &field.ty.node;
                    while let BaseType::List(inner) = &ty.base {
                        ty = inner;
                    }
                    let BaseType::Named(answers) = &ty.base else { continue };
                    fields.insert((type_name.to_owned(), field.name.node.to_string()), answers.to_string());
                }
            }
        }
        Self { fields }
    }

    /// Whether the answer of `operation` in `document` may be kept: a query of followed fields only.
    pub fn allows(&self, document: &ExecutableDocument, operation: Option<&str>) -> bool {
        let chosen = match (&document.operations, operation) {
            (DocumentOperations::Single(only), _) => Some(only),
            (DocumentOperations::Multiple(many), Some(name)) => many.get(name),
            // One named operation runs without its name being given.
            (DocumentOperations::Multiple(many), None) if many.len() == 1 => many.values().next(),
            (DocumentOperations::Multiple(_), None) => None,
        };
        let Some(chosen) = chosen else { return false };
        chosen.node.ty == OperationType::Query
            && chosen.node.directives.is_empty()
            && self.followed(document, "Query", &chosen.node.selection_set.node, 0)
    }

    fn followed(&self, document: &ExecutableDocument, on: &str, set: &SelectionSet, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        set.items.iter().all(|selection| match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                if !only_conditions(&field.directives) {
                    return false;
                }
                if field.name.node == "__typename" {
                    return true;
                }
                let Some(answers) = self.fields.get(&(on.to_owned(), field.name.node.to_string())) else {
                    return false;
                };
                self.followed(document, answers, &field.selection_set.node, depth + 1)
            }
            Selection::FragmentSpread(spread) => {
                let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) else {
                    return false;
                };
                let fragment = &fragment.node;
                only_conditions(&spread.node.directives)
                    && only_conditions(&fragment.directives)
                    && fragment.type_condition.node.on.node == on
                    && self.followed(document, on, &fragment.selection_set.node, depth + 1)
            }
            Selection::InlineFragment(inline) => {
                let inline = &inline.node;
                only_conditions(&inline.directives)
                    && inline.type_condition.as_ref().is_none_or(|condition| condition.node.on.node == on)
                    && self.followed(document, on, &inline.selection_set.node, depth + 1)
            }
        })
    }
}

/// `@include` and `@skip` only: anything else (`@defer`, a typo the validation will refuse) is not
/// reused.
fn only_conditions(
    directives: &[async_graphql::Positioned<async_graphql::parser::types::Directive>],
) -> bool {
    directives.iter().all(|directive| matches!(directive.node.name.node.as_str(), "include" | "skip"))
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn answerable() -> Answerable {
        Answerable::from_sdl(&crate::graphql::sdl())
    }

    fn allows(query: &str, operation: Option<&str>) -> bool {
        answerable().allows(&parse_query(query).expect("parses"), operation)
    }

    #[test]
    fn every_followed_field_is_in_the_schema() {
        let answerable = answerable();
        for (type_name, fields) in FOLLOWED {
            for field in *fields {
                let key = ((*type_name).to_owned(), (*field).to_owned());
                assert!(answerable.fields.contains_key(&key), "{type_name}.{field} is not in the schema");
            }
        }
    }

    #[test]
    fn reports_and_household_pages_qualify_through_fragments_and_conditions() {
        assert!(allows(
            "query R($c: ID!) { coverageReport(campaignId: $c) { groups { group { code ward { code } } coverage } } }",
            None
        ));
        assert!(allows(
            "query P($g: ID!, $c: ID!, $all: Boolean!) { group(id: $g) { ...G } }
             fragment G on ResidentialGroup { name households(first: 50) { pageInfo { endCursor }
               edges { node { __typename ... on Household { headName pledge(campaignId: $c) @include(if: $all) { status } } } } } }",
            None
        ));
        assert!(allows("query A { group(id: \"x\") { id } } query B { me { id } }", Some("A")));
    }

    #[test]
    fn anything_else_is_answered_afresh() {
        for (query, operation) in [
            ("{ me { id } }", None),
            ("{ group(id: \"x\") { id } me { id } }", None),
            ("query A { group(id: \"x\") { id } } query B { me { id } }", Some("B")),
            ("query A { group(id: \"x\") { id } } query B { me { id } }", None),
            ("mutation { logout }", None),
            ("{ coverageReport(campaignId: \"c\") { campaign { title } } }", None),
            ("{ coverageReport(campaignId: \"c\") { daily { signed } } }", None),
            (
                "{ group(id: \"x\") { households { edges { node { pledge(campaignId: \"c\") { recordedBy { name } } } } } } }",
                None,
            ),
            ("{ group(id: \"x\") { ...F } } fragment F on Ward { id }", None),
            ("{ group(id: \"x\") { ...F } } fragment F on ResidentialGroup { ...F }", None),
            ("{ group(id: \"x\") { id @defer } }", None),
        ] {
            assert!(!allows(query, operation), "{query}");
        }
    }
}
