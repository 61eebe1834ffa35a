//! A running OpenCode sees a write through `openwork serve`: with the
//! workspace's `baseUrl` set, openwork asks it to reload
//! (`POST /instance/dispose`), and OpenCode's own API then answers with
//! the new config and skills.

use super::Case;
use super::harness::{self, OpenCodeServer};
use serde_json::{Value, json};

async fn get(client: &reqwest::Client, url: &str) -> Value {
    let r = client.get(url).send().await.expect("OpenCode answers");
    assert!(r.status().is_success(), "{url}: {}", r.status());
    r.json().await.expect("JSON")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_running_opencode_reloads_after_a_write() {
    let Some(c) = Case::new("proj", Some("proj")) else {
        return;
    };
    c.write(
        "proj/opencode.jsonc",
        "{\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"username\": \"before\"\n}\n",
    );
    let bin = harness::opencode().expect("installed");
    let oc = OpenCodeServer::start(bin, &c.home, &c.root);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let dir = crate::support::url_encode(&c.root.display().to_string());
    let config = format!("{}/config?directory={dir}", oc.url);
    let skills = format!("{}/skill?directory={dir}", oc.url);
    assert_eq!(get(&client, &config).await["username"], "before");

    let s = c.serve(&["--opencode-base-url", &oc.url]);
    let w = |rest: &str| format!("/workspace/{}{rest}", s.ws_id(0));
    let r = s
        .send_json(
            reqwest::Method::PATCH,
            &w("/config"),
            &json!({"opencode": {"username": "after"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        r.header("x-openwork-opencode"),
        Some("reloaded"),
        "{}",
        s.stderr()
    );
    assert_eq!(get(&client, &config).await["username"], "after");

    let r = s
        .post(
            &w("/skills"),
            &json!({"name": "fresh", "description": "New", "content": "Body\n"}),
        )
        .await;
    assert_eq!(r.header("x-openwork-opencode"), Some("reloaded"));
    let listed = get(&client, &skills).await;
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "fresh"),
        "{listed}"
    );
}
