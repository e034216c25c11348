//! The committed SDL matches the code, and every type, field and argument is described.

use serde_json::Value;

#[test]
fn committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/schema.graphql"))
        .expect("schema/schema.graphql exists");
    assert!(
        committed == pledge_api::graphql::sdl(),
        "schema/schema.graphql is stale: run `cargo run -- export-schema` and commit it"
    );
}

#[tokio::test]
async fn every_type_field_and_argument_has_a_description() {
    let schema = pledge_api::graphql::schema_builder().finish();
    let response = schema
        .execute(
            "{ __schema { types { name description
                fields { name description args { name description } }
                inputFields { name description }
                enumValues { name description } } } }",
        )
        .await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().expect("json");
    let builtin = ["String", "Int", "Float", "Boolean", "ID"];
    let described = |v: &Value| v["description"].as_str().is_some_and(|d| !d.trim().is_empty());
    let mut missing = Vec::new();
    for ty in data["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().expect("name");
        if name.starts_with("__") || builtin.contains(&name) {
            continue;
        }
        if !described(ty) {
            missing.push(name.to_owned());
        }
        for list in ["fields", "inputFields", "enumValues"] {
            for item in ty[list].as_array().into_iter().flatten() {
                let item_name = format!("{name}.{}", item["name"].as_str().unwrap_or("?"));
                if !described(item) {
                    missing.push(item_name.clone());
                }
                for arg in item["args"].as_array().into_iter().flatten() {
                    if !described(arg) {
                        missing.push(format!("{item_name}({})", arg["name"].as_str().unwrap_or("?")));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "without a description: {missing:#?}");
}
