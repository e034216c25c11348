// Compiled with the generated types (`tsc --noEmit`): a screen's code reads the answers with their
// real types, dates as the ISO strings the scalars are specified to be.
import type { GroupHouseholdsQuery, RecordPledgeMutationVariables } from "./generated/graphql";

export function signedDays(answer: GroupHouseholdsQuery): string[] {
  return answer.households.edges.flatMap((edge) => (edge.node.pledge ? [edge.node.pledge.signedOn] : []));
}

export const pledge: RecordPledgeMutationVariables = {
  input: {
    clientMutationId: "0192f6e0-0000-7000-8000-000000000000",
    householdId: "0192f6e0-0000-7000-8000-000000000001",
    campaignId: "0192f6e0-0000-7000-8000-000000000002",
    signerName: "Nguyễn Văn An",
    signedOn: "2023-08-11",
  },
};
