//! The redirect flows (single sign-on, OAuth) leave the page and come back. What this
//! tab keeps meanwhile (sessionStorage), and the rules for what came back: only a
//! return that matches a flow this tab started, recently, goes on.

use serde::{Deserialize, Serialize};

use crate::homeserver::BaseUrl;
use crate::signin::checks::{Proof, Target};
use crate::signin::failure::{Flow, SignInFailure};
use crate::signin::oauth::{self, OAuthReturn, PendingOAuth};
use crate::signin::sso::{self, SsoReturn};

/// A flow older than this is forgotten: single sign-on login tokens live 2 minutes,
/// authorization codes less; nobody takes a quarter of an hour at a login page.
pub const MAX_AGE_MS: u64 = 15 * 60_000;

/// What a tab keeps while the person is at the provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub base: BaseUrl,
    pub version: String,
    pub delegated_to: Option<String>,
    /// Where to go afterwards (a path inside the console).
    pub next: Option<String>,
    pub started_ms: u64,
    pub flow: PendingFlow,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingFlow {
    SingleSignOn { nonce: String },
    OAuth(PendingOAuth),
}

impl PendingSignIn {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok()
    }

    pub fn target(&self) -> Target {
        Target {
            base: self.base.clone(),
            version: self.version.clone(),
            delegated_to: self.delegated_to.clone(),
        }
    }

    fn flow(&self) -> Flow {
        match self.flow {
            PendingFlow::SingleSignOn { .. } => Flow::SingleSignOn,
            PendingFlow::OAuth(_) => Flow::OAuth,
        }
    }
}

/// What the sign-in page's address brought back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Returned {
    SingleSignOn(SsoReturn),
    OAuth(OAuthReturn),
}

/// Reads a return from the page's query and fragment (without `?` and `#`).
pub fn read_returned(query: &str, fragment: &str) -> Option<Returned> {
    sso::read_return(query)
        .map(Returned::SingleSignOn)
        .or_else(|| oauth::read_return(fragment).map(Returned::OAuth))
        .or_else(|| oauth::read_return(query).map(Returned::OAuth))
}

/// What the sign-in page does on arrival.
#[derive(Clone, Debug)]
pub enum Arrival {
    /// Nothing pending, nothing returned: the form.
    Form,
    /// Finish the sign-in on `pending`'s server with this proof.
    Finish {
        pending: Box<PendingSignIn>,
        proof: Proof,
    },
    /// Say why not, with the form.
    Refused(SignInFailure),
}

/// Decides what the sign-in page does with what it kept and what came back. The
/// caller removes both from the tab right away, whatever the answer.
pub fn arrive(pending: Option<PendingSignIn>, returned: Option<Returned>, now_ms: u64) -> Arrival {
    let pending = pending.filter(|p| now_ms.saturating_sub(p.started_ms) <= MAX_AGE_MS);
    match (pending, returned) {
        (None, None) => Arrival::Form,
        // Back without a return: cancelled at the provider, or refused there.
        (Some(pending), None) => Arrival::Refused(SignInFailure::Unfinished {
            flow: pending.flow(),
        }),
        (pending, Some(Returned::SingleSignOn(back))) => match pending {
            Some(p) if matches!(&p.flow, PendingFlow::SingleSignOn { nonce } if Some(nonce) == back.nonce.as_ref()) => {
                Arrival::Finish {
                    pending: Box::new(p),
                    proof: Proof::LoginToken(back.login_token),
                }
            }
            _ => Arrival::Refused(SignInFailure::NotStartedHere {
                flow: Flow::SingleSignOn,
            }),
        },
        (pending, Some(Returned::OAuth(back))) => {
            let Some(p) = pending else {
                return Arrival::Refused(SignInFailure::NotStartedHere { flow: Flow::OAuth });
            };
            let PendingFlow::OAuth(kept) = &p.flow else {
                return Arrival::Refused(SignInFailure::NotStartedHere { flow: Flow::OAuth });
            };
            match back {
                OAuthReturn::Code { state, code } if state == kept.state => {
                    let kept = kept.clone();
                    Arrival::Finish {
                        pending: Box::new(p),
                        proof: Proof::OAuthCode {
                            pending: kept,
                            code,
                        },
                    }
                }
                OAuthReturn::Error {
                    state: Some(state),
                    error,
                    description,
                } if state == kept.state => Arrival::Refused(SignInFailure::Refused {
                    issuer: kept.issuer.clone(),
                    error,
                    description,
                }),
                _ => Arrival::Refused(SignInFailure::NotStartedHere { flow: Flow::OAuth }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signin::oauth::{authorization, AuthMetadata, Randomness};

    fn sso(nonce: &str, started_ms: u64) -> PendingSignIn {
        PendingSignIn {
            base: "http://127.0.0.1:8008".parse().unwrap(),
            version: "1.163.2".into(),
            delegated_to: None,
            next: Some("/media".into()),
            started_ms,
            flow: PendingFlow::SingleSignOn {
                nonce: nonce.into(),
            },
        }
    }

    fn oauth_pending() -> PendingSignIn {
        let metadata = AuthMetadata {
            issuer: "http://127.0.0.1:9000/".into(),
            authorization_endpoint: "http://127.0.0.1:9000/authorize".into(),
            token_endpoint: "http://127.0.0.1:9000/oauth2/token".into(),
            registration_endpoint: None,
            revocation_endpoint: None,
            response_modes_supported: None,
        };
        let random = Randomness {
            state: [9; 16],
            verifier: [2; 32],
            device: [3; 10],
        };
        let (_, kept) = authorization(&metadata, "c", "http://127.0.0.1:8080/signin", &random);
        PendingSignIn {
            flow: PendingFlow::OAuth(kept),
            ..sso("", 0)
        }
    }

    #[test]
    fn a_matching_sso_return_finishes_and_anything_else_is_refused() {
        let back = read_returned("sso=n1&loginToken=syl_t", "");
        assert!(matches!(
            arrive(Some(sso("n1", 0)), back.clone(), 1_000),
            Arrival::Finish { proof: Proof::LoginToken(t), .. } if t == "syl_t"
        ));
        let refused = |pending, now| {
            matches!(
                arrive(pending, back.clone(), now),
                Arrival::Refused(SignInFailure::NotStartedHere {
                    flow: Flow::SingleSignOn
                })
            )
        };
        assert!(refused(Some(sso("n2", 0)), 0), "another flow's nonce");
        assert!(refused(None, 0), "no flow at all");
        assert!(refused(Some(sso("n1", 0)), MAX_AGE_MS + 1), "a stale flow");
    }

    #[test]
    fn coming_back_without_a_return_is_an_unfinished_flow() {
        assert!(matches!(
            arrive(Some(sso("n1", 0)), None, 10),
            Arrival::Refused(SignInFailure::Unfinished {
                flow: Flow::SingleSignOn
            })
        ));
        assert!(matches!(arrive(None, None, 10), Arrival::Form));
        assert!(matches!(
            arrive(Some(sso("n1", 0)), None, MAX_AGE_MS + 1),
            Arrival::Form
        ));
    }

    #[test]
    fn oauth_returns_must_carry_this_tabs_state() {
        let pending = oauth_pending();
        let PendingFlow::OAuth(kept) = &pending.flow else {
            unreachable!()
        };
        let state = kept.state.clone();
        let code = read_returned("", &format!("code=abc&state={state}"));
        assert!(matches!(
            arrive(Some(pending.clone()), code, 5),
            Arrival::Finish { proof: Proof::OAuthCode { code, .. }, .. } if code == "abc"
        ));
        let forged = read_returned("code=abc&state=other", "");
        assert!(matches!(
            arrive(Some(pending.clone()), forged, 5),
            Arrival::Refused(SignInFailure::NotStartedHere { flow: Flow::OAuth })
        ));
        let denied = read_returned("", &format!("error=access_denied&state={state}"));
        assert!(matches!(
            arrive(Some(pending.clone()), denied, 5),
            Arrival::Refused(SignInFailure::Refused { error, .. }) if error == "access_denied"
        ));
        assert!(matches!(
            arrive(None, read_returned("", "code=a&state=b"), 5),
            Arrival::Refused(SignInFailure::NotStartedHere { flow: Flow::OAuth })
        ));
        assert_eq!(PendingSignIn::from_json(&pending.to_json()), Some(pending));
    }
}
