//! Every argument of every operation, generated from the SDL: wrong types, plausible values, NUL and other odd characters in text.

use super::*;

/// Ids of a world with one of everything, so that the arguments of every operation can point at
/// something real.
struct World {
    ids: BTreeMap<&'static str, String>,
}

impl World {
    async fn build(app: &TestApp) -> Self {
        set_clock(app, VIETNAM_NOON);
        let fixture = ward_with_two_groups(app).await;
        let household = create_household(app, &fixture.group_id, "1", "Trần Thị Hoa").await;
        let unsigned = create_household(app, &fixture.group_id, "2", "Lê Văn Tám").await;
        let campaign = open_campaign(app, "Chiến dịch 2023", None).await;
        let pledge = app
            .gql_ok(
                "mutation($i: RecordPledgeInput!) { recordPledge(input: $i) { id } }",
                json!({ "i": {
                    "clientMutationId": Uuid::now_v7(), "householdId": household, "campaignId": campaign,
                    "signerName": "Trần Thị Hoa", "signedOn": "2023-05-01",
                } }),
            )
            .await["recordPledge"]["id"]
            .clone();
        let deed = app
            .gql_ok(
                "mutation($i: RecordGoodDeedInput!) { recordGoodDeed(input: $i) { id } }",
                json!({ "i": {
                    "clientMutationId": Uuid::now_v7(), "groupId": fixture.group_id, "category": "PATROL",
                    "occurredOn": "2023-05-01", "description": "Tuần tra",
                } }),
            )
            .await["recordGoodDeed"]["id"]
            .clone();
        let user = app.gql_ok("{ me { id } }", json!({})).await["me"]["id"].clone();
        let text = |v: Value| v.as_str().expect("an id").to_owned();
        let ids = BTreeMap::from([
            ("ward", fixture.ward_id),
            ("group", fixture.group_id),
            ("household", household),
            ("unsigned household", unsigned),
            ("campaign", campaign),
            ("pledge", text(pledge)),
            ("goodDeed", text(deed)),
            ("user", text(user)),
        ]);
        Self { ids }
    }

    /// The id an argument or input field called `name` of `operation` most likely wants.
    fn id_for(&self, operation: &str, name: &str) -> String {
        let kind = match name {
            "wardId" => "ward",
            "groupId" => "group",
            "householdId" => "household",
            "campaignId" => "campaign",
            "actorId" | "targetId" => "user",
            _ if operation.contains("Group") || operation == "group" => "group",
            _ if operation.contains("Household") || operation == "household" => "household",
            _ if operation.contains("Campaign") || operation.starts_with("campaign") => "campaign",
            _ if operation.contains("Pledge") => "pledge",
            _ if operation.contains("GoodDeed") => "goodDeed",
            _ if operation.contains("User") => "user",
            _ => "ward",
        };
        self.ids[kind].clone()
    }
}

/// The schema as the committed SDL describes it: what each argument and input field expects.
struct Schema {
    operations: Vec<Operation>,
    inputs: BTreeMap<String, Vec<InputValueDefinition>>,
    enums: BTreeMap<String, Vec<String>>,
}

/// One root field.
struct Operation {
    kind: &'static str,
    name: String,
    arguments: Vec<InputValueDefinition>,
    returns_object: bool,
}

impl Schema {
    fn load() -> Self {
        let sdl = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/schema.graphql"))
            .expect("schema/schema.graphql");
        let document = parse_schema(&sdl).expect("the committed SDL parses");
        let mut schema = Schema { operations: Vec::new(), inputs: BTreeMap::new(), enums: BTreeMap::new() };
        let mut roots = Vec::new();
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else { continue };
            let name = definition.node.name.node.to_string();
            match definition.node.kind {
                TypeKind::InputObject(input) => {
                    schema.inputs.insert(name, input.fields.into_iter().map(|f| f.node).collect());
                }
                TypeKind::Enum(values) => {
                    schema
                        .enums
                        .insert(name, values.values.iter().map(|v| v.node.value.node.to_string()).collect());
                }
                TypeKind::Object(object) => {
                    if let Some(kind) = match name.as_str() {
                        "Query" => Some("query"),
                        "Mutation" => Some("mutation"),
                        _ => None,
                    } {
                        roots.push((kind, object));
                    }
                }
                _ => {}
            }
        }
        for (kind, object) in roots {
            for field in object.fields {
                let returns = named(&field.node.ty.node).to_owned();
                schema.operations.push(Operation {
                    kind,
                    name: field.node.name.node.to_string(),
                    arguments: field.node.arguments.into_iter().map(|a| a.node).collect(),
                    returns_object: !schema.is_leaf(&returns),
                });
            }
        }
        schema
    }

    fn is_leaf(&self, name: &str) -> bool {
        matches!(name, "String" | "ID" | "Int" | "Float" | "Boolean" | "Date" | "DateTime" | "JSON")
            || self.enums.contains_key(name)
    }

    /// A plausible value of `ty` for the argument or field `name` of `operation`.
    fn valid(&self, world: &World, operation: &str, name: &str, ty: &Type, depth: usize) -> Value {
        match &ty.base {
            BaseType::List(item) => json!([self.valid(world, operation, name, item, depth)]),
            BaseType::Named(type_name) => match type_name.as_str() {
                "ID" => json!(world.id_for(operation, name)),
                "Int" => json!(match name {
                    "year" => 2023,
                    "expectedVersion" => 1,
                    "memberCount" => 3,
                    _ => 5,
                }),
                "Float" => json!(1.5),
                "Boolean" => json!(true),
                "DateTime" => json!("2023-05-01T00:00:00Z"),
                "String" if name.ends_with("On") || name == "from" || name == "to" => json!("2023-05-01"),
                "String" if name == "clientMutationId" => json!(Uuid::now_v7()),
                "String" if name.ends_with("Id") => json!(world.id_for(operation, name)),
                "String" | "Date" => json!(format!("valid {name}")),
                other if self.enums.contains_key(other) => json!(self.enums[other][0]),
                other if depth < 4 => Value::Object(
                    self.inputs
                        .get(other)
                        .map(|fields| {
                            fields
                                .iter()
                                .map(|f| {
                                    (
                                        f.name.node.to_string(),
                                        self.valid(world, operation, &f.name.node, &f.ty.node, depth + 1),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                ),
                _ => json!({}),
            },
        }
    }

    /// Every path to a value inside `ty` (the value itself, then each field of an input object and the
    /// first item of a list), with the named type found there and whether it may be null.
    fn paths(&self, ty: &Type, prefix: Vec<String>, out: &mut Vec<(Vec<String>, String, bool)>) {
        match &ty.base {
            BaseType::List(item) => {
                out.push((prefix.clone(), "[list]".into(), ty.nullable));
                let mut path = prefix;
                path.push("0".into());
                self.paths(item, path, out);
            }
            BaseType::Named(name) => {
                out.push((prefix.clone(), name.to_string(), ty.nullable));
                if let Some(fields) = self.inputs.get(name.as_str()) {
                    for field in fields {
                        let mut path = prefix.clone();
                        path.push(field.name.node.to_string());
                        self.paths(&field.ty.node, path, out);
                    }
                }
            }
        }
    }
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(item) => named(item),
    }
}

impl Schema {
    /// Values no input of `type_name` accepts. GraphQL coerces a single value into a list and an integer
    /// into an `ID` or a `Float`, and `{}` is a valid input object when every field is optional, so those
    /// are left out where they would be accepted.
    fn wrong_values(&self, type_name: &str, nullable: bool) -> Vec<Value> {
        let deep = (0..100).fold(json!(1), |inner, _| json!({ "a": inner }));
        let mut values = match type_name {
            "JSON" => Vec::new(),
            "[list]" => vec![json!({ "unknown": 1 }), json!([[[[[1]]]]]), deep],
            _ => vec![json!({ "unknown": 1 }), json!([[1]]), deep, json!(""), json!(true), json!(1.5)],
        };
        match type_name {
            "String" | "Date" | "DateTime" => values.extend([json!(1), json!({}), json!(-7)]),
            "ID" => values.extend([json!({}), json!(1e300)]),
            "Int" => values.extend([json!("1"), json!({}), json!(1e300), json!("NaN"), json!(-0.5)]),
            "Float" => values.extend([json!("1"), json!({}), json!("NaN")]),
            "Boolean" => values.extend([json!("true"), json!(1), json!(0), json!({})]),
            "[list]" | "JSON" => {}
            enumeration if self.enums.contains_key(enumeration) => {
                values.extend([json!(1), json!({}), json!("NOT_A_VALUE"), json!("patrol")]);
            }
            input
                if self
                    .inputs
                    .get(input)
                    .is_some_and(|fields| fields.iter().any(|f| !f.ty.node.nullable)) =>
            {
                values.extend([json!({}), json!("x"), json!(1)]);
            }
            _ => values.extend([json!("x"), json!(1)]),
        }
        match type_name {
            "String" | "Date" | "DateTime" | "ID" => values.retain(|v| !v.is_string()),
            "Boolean" => values.retain(|v| !v.is_boolean()),
            "Float" => values.retain(|v| !v.is_number()),
            _ => {}
        }
        if !nullable {
            values.push(Value::Null);
        }
        values
    }
}

fn set_path(value: &mut Value, path: &[String], new: Value) {
    let Some((first, rest)) = path.split_first() else {
        *value = new;
        return;
    };
    let slot = match value {
        Value::Array(items) => first.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        Value::Object(fields) => Some(fields.entry(first.clone()).or_insert(Value::Null)),
        _ => None,
    };
    if let Some(slot) = slot {
        set_path(slot, rest, new);
    }
}

/// The document calling `operation` with every argument as a variable of the same name.
fn document(operation: &Operation) -> String {
    let list =
        |items: Vec<String>| if items.is_empty() { String::new() } else { format!("({})", items.join(", ")) };
    let definitions =
        list(operation.arguments.iter().map(|a| format!("${}: {}", a.name.node, a.ty.node)).collect());
    let arguments = list(operation.arguments.iter().map(|a| format!("{0}: ${0}", a.name.node)).collect());
    let selection = if operation.returns_object { " { __typename }" } else { "" };
    let (kind, name) = (operation.kind, &operation.name);
    format!("{kind} {name}{definitions} {{ {name}{arguments}{selection} }}")
}

#[tokio::test]
async fn every_argument_of_every_operation_given_the_wrong_type_is_bad_user_input() {
    // Arrange
    let app = spawn_app().await;
    let world = World::build(&app).await;
    let schema = Schema::load();
    let before = app.count_rows("audit_event").await;
    let mut requests = Vec::new();
    for operation in &schema.operations {
        let query = document(operation);
        let valid: serde_json::Map<String, Value> = operation
            .arguments
            .iter()
            .map(|a| {
                (a.name.node.to_string(), schema.valid(&world, &operation.name, &a.name.node, &a.ty.node, 0))
            })
            .collect();
        for argument in &operation.arguments {
            let mut paths = Vec::new();
            schema.paths(&argument.ty.node, vec![argument.name.node.to_string()], &mut paths);
            for (path, type_name, nullable) in paths {
                for wrong in schema.wrong_values(&type_name, nullable) {
                    let mut variables = Value::Object(valid.clone());
                    set_path(&mut variables, &path, wrong.clone());
                    let what = format!(
                        "{} with {} = {}",
                        operation.name,
                        path.join("."),
                        wrong.to_string().chars().take(40).collect::<String>()
                    );
                    requests
                        .push((what, post_json(&app, &json!({ "query": query, "variables": variables }))));
                }
            }
        }
    }
    assert!(requests.len() > 500, "{} requests: the schema was not read", requests.len());

    // Act and assert: refused before anything runs.
    expect_all(&app, requests, |answer, what| refused(answer, what, "BAD_USER_INPUT")).await;
    assert_eq!(app.count_rows("audit_event").await, before, "no operation ran");
}

#[tokio::test]
async fn every_operation_with_plausible_arguments_answers_with_codes_only() {
    // Not a contract on what succeeds: only that a well-typed call never fails inside the server.
    let app = spawn_app().await;
    let world = World::build(&app).await;
    let schema = Schema::load();
    let requests = schema
        .operations
        .iter()
        .filter(|o| o.name != "logout" && o.name != "changePassword" && o.name != "setUserActive")
        .map(|operation| {
            let variables: serde_json::Map<String, Value> = operation
                .arguments
                .iter()
                .map(|a| {
                    (
                        a.name.node.to_string(),
                        schema.valid(&world, &operation.name, &a.name.node, &a.ty.node, 0),
                    )
                })
                .collect();
            (
                operation.name.clone(),
                post_json(&app, &json!({ "query": document(operation), "variables": variables })),
            )
        })
        .collect();
    expect_all(&app, requests, |answer, what| codes(answer, what).map(|_| ())).await;
}

/// Every text argument and input field that reaches the database as a parameter or a stored value.
fn text_inputs(world: &World, nul: &str) -> Vec<(&'static str, Value)> {
    let group = &world.ids["group"];
    let household = &world.ids["unsigned household"];
    let campaign = &world.ids["campaign"];
    let cursor = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("c1:{}\n{nul}", Uuid::nil()))
    };
    vec![
        (
            "login username",
            json!({
                "query": "mutation($u: String!) { login(input: { username: $u, password: \"whatever-it-is\" }) { accessToken } }",
                "variables": { "u": format!("root{nul}") },
            }),
        ),
        (
            "login password",
            json!({
                "query": "mutation($p: String!) { login(input: { username: \"nobody\", password: $p }) { accessToken } }",
                "variables": { "p": format!("pass{nul}word-123") },
            }),
        ),
        (
            "refresh token",
            json!({
                "query": "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
                "variables": { "t": format!("token{nul}") },
            }),
        ),
        (
            "household search",
            json!({
                "query": "query($g: ID!, $s: String) { households(groupId: $g, filter: { search: $s }) { totalCount } }",
                "variables": { "g": group, "s": format!("a{nul}b") },
            }),
        ),
        (
            "a list cursor whose sort key holds NUL",
            json!({
                "query": "query($g: ID!, $a: String) { households(groupId: $g, after: $a) { totalCount } }",
                "variables": { "g": group, "a": cursor },
            }),
        ),
        (
            "audit action filter",
            json!({
                "query": "query($a: String) { auditEvents(filter: { action: $a }) { totalCount } }",
                "variables": { "a": format!("pledge.record{nul}") },
            }),
        ),
        (
            "good-deed description",
            json!({
                "query": "mutation($i: RecordGoodDeedInput!) { recordGoodDeed(input: $i) { id } }",
                "variables": { "i": { "clientMutationId": Uuid::now_v7(), "groupId": group, "category": "PATROL", "occurredOn": "2023-05-01", "description": format!("a{nul}b") } },
            }),
        ),
        (
            "pledge note",
            json!({
                "query": "mutation($i: RecordPledgeInput!) { recordPledge(input: $i) { id } }",
                "variables": { "i": { "clientMutationId": Uuid::now_v7(), "householdId": household, "campaignId": campaign, "signerName": "Hoa", "signedOn": "2023-05-01", "note": format!("a{nul}b") } },
            }),
        ),
        (
            "pledge withdrawal reason",
            json!({
                "query": "mutation($id: ID!, $r: String) { withdrawPledge(id: $id, reason: $r) { id } }",
                "variables": { "id": world.ids["pledge"], "r": format!("a{nul}b") },
            }),
        ),
        (
            "good-deed verification note",
            json!({
                "query": "mutation($id: ID!, $n: String) { verifyGoodDeed(id: $id, approve: true, note: $n) { id } }",
                "variables": { "id": world.ids["goodDeed"], "n": format!("a{nul}b") },
            }),
        ),
        (
            "pledge items",
            json!({
                "query": "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }",
                "variables": { "i": { "year": 2024, "title": "T", "pledgeItems": [format!("a{nul}b")] } },
            }),
        ),
        (
            "ward name",
            json!({
                "query": "mutation($i: CreateWardInput!) { createWard(input: $i) { id } }",
                "variables": { "i": { "code": "N1", "name": format!("a{nul}b"), "province": "P" } },
            }),
        ),
        (
            "household phone",
            json!({
                "query": "mutation($i: CreateHouseholdInput!) { createHousehold(input: $i) { id } }",
                "variables": { "i": { "groupId": group, "code": "N1", "headName": "A", "address": "B", "memberCount": 1, "phone": format!("0912{nul}345678") } },
            }),
        ),
        (
            "good-deed report period",
            json!({
                "query": "query($f: Date) { goodDeedReport(from: $f) { total } }",
                "variables": { "f": format!("2023-01-01{nul}") },
            }),
        ),
        (
            "change feed cursor",
            json!({
                "query": "query($s: String) { changes(since: $s) { hasMore } }",
                "variables": { "s": nul },
            }),
        ),
    ]
}

#[tokio::test]
async fn nul_characters_in_text_inputs_never_cause_an_internal_error() {
    // PostgreSQL refuses U+0000 in text values and parameters; a client must get a code it can act on.
    let app = spawn_app().await;
    let world = World::build(&app).await;
    let requests = text_inputs(&world, "\u{0}")
        .into_iter()
        .map(|(what, body)| (what.to_owned(), post_json(&app, &body)))
        .collect();
    expect_all(&app, requests, |answer, what| codes(answer, what).map(|_| ())).await;
}

#[tokio::test]
async fn other_control_and_invisible_characters_in_text_inputs_never_cause_an_internal_error() {
    let app = spawn_app().await;
    let world = World::build(&app).await;
    let mut requests = Vec::new();
    for odd in ["\u{1}", "\u{7f}", "\u{202e}", "\u{feff}", "\u{fffd}", "\u{10ffff}", "😀\u{200d}😀", "\\%_"]
    {
        for (what, body) in text_inputs(&world, odd) {
            requests.push((format!("{what} with {odd:?}"), post_json(&app, &body)));
        }
    }
    expect_all(&app, requests, |answer, what| codes(answer, what).map(|_| ())).await;
}
