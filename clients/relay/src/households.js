// The households screen of a Relay app: a refetchable household row (refetched through `node`), and the
// group's households as a paginated `@connection`, forward and backward.
import { graphql } from "relay-runtime";

export const householdRow = graphql`
  fragment householdsRow_household on Household
  @refetchable(queryName: "householdsRowRefetchQuery")
  @argumentDefinitions(campaignId: { type: "ID!" }) {
    id
    code
    headName
    status
    pledge(campaignId: $campaignId) {
      id
      status
      signedOn
      recordedBy {
        displayName
      }
    }
  }
`;

export const householdList = graphql`
  fragment householdsList_group on ResidentialGroup
  @refetchable(queryName: "householdsListPaginationQuery")
  @argumentDefinitions(
    # No default: relay-runtime sends a variable's default in place of null, so paging back (count: null,
    # last: n) would send first and last together, which the server refuses.
    count: { type: "Int" }
    cursor: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
    campaignId: { type: "ID!" }
  ) {
    households(first: $count, after: $cursor, last: $last, before: $before)
      @connection(key: "householdsList_households") {
      edges {
        node {
          id
          ...householdsRow_household @arguments(campaignId: $campaignId)
        }
      }
    }
  }
`;

export const screen = graphql`
  query householdsScreenQuery($groupId: ID!, $campaignId: ID!) {
    group(id: $groupId) {
      id
      name
      ...householdsList_group @arguments(campaignId: $campaignId, count: 5)
    }
  }
`;
