//! The CORS policy: `Access-Control-Allow-*` on every response (errors
//! included) to a request from an allowed `Origin`.

use warp::http::HeaderMap;
use warp::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue, ORIGIN, VARY,
};
use warp::reply::Response;

/// Which origins may read the answers.
#[derive(Debug, Clone)]
pub struct Cors {
    any: bool,
    origins: Vec<String>,
}

const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, X-OpenWork-Host-Token, X-OpenWork-Client-Id";
const ALLOW_METHODS: &str = "GET,POST,PATCH,DELETE,OPTIONS";
/// The answer headers a page may read besides the simple ones.
const EXPOSE_HEADERS: &str = "ETag, X-OpenWork-OpenCode";

impl Cors {
    pub fn new(origins: &[String]) -> Cors {
        Cors {
            any: origins.iter().any(|o| o == "*"),
            origins: origins.to_vec(),
        }
    }

    /// The `Access-Control-Allow-Origin` value for a request, if any.
    fn allow_origin(&self, origin: Option<&HeaderValue>) -> Option<HeaderValue> {
        if self.any {
            return Some(HeaderValue::from_static("*"));
        }
        let origin = origin?;
        let text = origin.to_str().ok()?;
        self.origins
            .iter()
            .any(|o| o == text)
            .then(|| origin.clone())
    }

    pub fn apply(&self, request: &HeaderMap, response: &mut Response) {
        let Some(allow) = self.allow_origin(request.get(ORIGIN)) else {
            return;
        };
        let h = response.headers_mut();
        h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allow);
        h.insert(
            ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        h.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOW_METHODS),
        );
        h.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
        h.insert(VARY, HeaderValue::from_static("Origin"));
    }
}
