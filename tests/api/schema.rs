//! The committed SDL matches the code; every type, field and argument is described, every custom scalar
//! specified by a URL, and every object with an id is a `Node`.

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

#[tokio::test]
async fn every_custom_scalar_has_a_description_of_its_own_and_a_specified_by_url() {
    // Arrange
    let schema = pledge_api::graphql::schema_builder().finish();
    let sdl = pledge_api::graphql::sdl();

    // Act
    let response = schema.execute("{ __schema { types { kind name description specifiedByURL } } }").await;

    // Assert
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().expect("json");
    let builtin = ["String", "Int", "Float", "Boolean", "ID"];
    let custom: Vec<&Value> = data["__schema"]["types"]
        .as_array()
        .expect("types")
        .iter()
        .filter(|ty| ty["kind"] == "SCALAR" && !builtin.contains(&ty["name"].as_str().unwrap_or("")))
        .collect();
    let names: Vec<&str> = custom.iter().filter_map(|ty| ty["name"].as_str()).collect();
    assert_eq!(names, ["Date", "DateTime", "JSON"]);
    for scalar in custom {
        let name = scalar["name"].as_str().unwrap_or("");
        let description = scalar["description"].as_str().unwrap_or("");
        // async-graphql's own texts ("Implement the DateTime<Utc> scalar", "A scalar that can represent
        // any JSON value.") say nothing a client can act on.
        assert!(description.contains("RFC"), "{name}: {description}");
        let url = scalar["specifiedByURL"].as_str().unwrap_or("");
        assert!(url.starts_with("https://www.rfc-editor.org/rfc/rfc"), "{name}: {url}");
        assert!(sdl.contains(&format!("scalar {name} @specifiedBy(url: \"{url}\")")), "{name} in the SDL");
    }
}

#[tokio::test]
async fn every_object_type_with_an_id_is_a_node() {
    // Arrange
    let schema = pledge_api::graphql::schema_builder().finish();

    // Act
    let response = schema
        .execute(
            "{ __schema { types { kind name fields { name type { kind ofType { name } } } interfaces { name } } }
               __type(name: \"Node\") { kind possibleTypes { name } } }",
        )
        .await;

    // Assert
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().expect("json");
    let mut with_id = Vec::new();
    for ty in data["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().unwrap_or("");
        let id = ty["fields"].as_array().into_iter().flatten().find(|f| f["name"] == "id");
        if ty["kind"] != "OBJECT" || name.starts_with("__") || id.is_none() {
            continue;
        }
        with_id.push(name.to_owned());
        assert_eq!(
            id.map(|f| &f["type"]),
            Some(&serde_json::json!({ "kind": "NON_NULL", "ofType": { "name": "ID" } }))
        );
        let interfaces: Vec<&str> =
            ty["interfaces"].as_array().into_iter().flatten().filter_map(|i| i["name"].as_str()).collect();
        assert_eq!(interfaces, ["Node"], "{name}");
    }
    with_id.sort();
    assert_eq!(
        with_id,
        [
            "AuditEvent",
            "Award",
            "Campaign",
            "GoodDeed",
            "GroupAssessment",
            "Household",
            "IncidentTally",
            "MovementEvent",
            "Pledge",
            "ResidentialGroup",
            "SatisfactionSurvey",
            "SelfManagementModel",
            "SurveyBallot",
            "SurveyQuestion",
            "User",
            "Ward"
        ]
    );
    let mut possible: Vec<&str> = data["__type"]["possibleTypes"]
        .as_array()
        .expect("types")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    possible.sort_unstable();
    assert_eq!(possible, with_id);
}
