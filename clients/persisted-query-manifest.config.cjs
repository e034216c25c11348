// Apollo's manifest generator over the app's registered operations; manifest.mjs compares its output
// with `pledge-api operations --format apollo`.
module.exports = {
  documents: ["../schema/operations/*.graphql"],
  output: process.env.MANIFEST_OUTPUT || "persisted-query-manifest.json",
};
