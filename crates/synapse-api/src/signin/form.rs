//! The sign-in form's rules: what is checked before any request is sent, and where
//! the person goes afterwards. Problems are reasons; the app words them.

use crate::config::Config;
use crate::homeserver::{BaseUrl, HomeserverInput};
use crate::ids::{IdError, UserId};
use crate::session::AccessToken;

/// Which credentials the form holds (the ways that need typing; single sign-on and
/// OAuth are buttons).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CredentialKind {
    #[default]
    Password,
    Token,
}

/// The sign-in form's raw text, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignInForm {
    pub homeserver: String,
    pub kind: CredentialKind,
    pub user: String,
    pub password: String,
    pub token: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HomeserverProblem {
    /// Neither a URL nor a server name (the reason says why).
    Invalid(IdError),
    /// config.json allows only these.
    NotAllowed { allowed: Vec<BaseUrl> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserProblem {
    Missing,
    /// Starts with `@` but is not a user id.
    Invalid(IdError),
    HasSpaces,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    Missing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Missing,
    /// Pasted with the word "Bearer" in front.
    HasBearerWord,
    HasSpaces,
}

/// A problem per field; `None` where the field is fine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors {
    pub homeserver: Option<HomeserverProblem>,
    pub user: Option<UserProblem>,
    pub password: Option<PasswordProblem>,
    pub token: Option<TokenProblem>,
}

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// What a person proves who they are with.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    Password { user: String, password: String },
    Token(AccessToken),
}

// Secrets stay out of Debug output, like the token's own Debug.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Password { user, .. } => write!(f, "Password {{ user: {user:?}, .. }}"),
            Credentials::Token(token) => write!(f, "Token({token:?})"),
        }
    }
}

/// A validated form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInPlan {
    pub homeserver: HomeserverInput,
    pub credentials: Credentials,
}

/// The homeserver field alone (it is checked before the server is asked anything).
pub fn validate_homeserver(
    text: &str,
    config: &Config,
) -> Result<HomeserverInput, HomeserverProblem> {
    match text.parse::<HomeserverInput>() {
        Ok(HomeserverInput::Url(url)) if !config.allows(&url) => {
            Err(HomeserverProblem::NotAllowed {
                allowed: config.allowed.clone(),
            })
        }
        Ok(input) => Ok(input),
        Err(e) => Err(HomeserverProblem::Invalid(e)),
    }
}

/// Checks the whole form before any request is sent.
pub fn validate(form: &SignInForm, config: &Config) -> Result<SignInPlan, FieldErrors> {
    let mut errors = FieldErrors::default();
    let homeserver = validate_homeserver(&form.homeserver, config)
        .map_err(|problem| errors.homeserver = Some(problem))
        .ok();
    let credentials = match form.kind {
        CredentialKind::Password => {
            let user = form.user.trim();
            errors.user = if user.is_empty() {
                Some(UserProblem::Missing)
            } else if user.starts_with('@') {
                user.parse::<UserId>().err().map(UserProblem::Invalid)
            } else if user.chars().any(char::is_whitespace) {
                Some(UserProblem::HasSpaces)
            } else {
                None
            };
            if form.password.is_empty() {
                errors.password = Some(PasswordProblem::Missing);
            }
            Credentials::Password {
                user: user.to_owned(),
                password: form.password.clone(),
            }
        }
        CredentialKind::Token => {
            let token = form.token.trim();
            errors.token = if token.is_empty() {
                Some(TokenProblem::Missing)
            } else if token.to_ascii_lowercase().starts_with("bearer") {
                Some(TokenProblem::HasBearerWord)
            } else if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
                Some(TokenProblem::HasSpaces)
            } else {
                None
            };
            Credentials::Token(AccessToken::new(token.to_owned()))
        }
    };
    match homeserver {
        Some(homeserver) if errors.is_empty() => Ok(SignInPlan {
            homeserver,
            credentials,
        }),
        _ => Err(errors),
    }
}

/// Where to go after signing in: the `next` path the person was sent from, if it is
/// a path inside this site (never another site: `//evil.org` or `https://…` give
/// `None`, and so does the sign-in page itself).
pub fn safe_return_path(next: Option<&str>) -> Option<String> {
    let path = next?;
    let page = path
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !page.ends_with("/signin")
        && !path.chars().any(char::is_control);
    safe.then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: CredentialKind) -> SignInForm {
        SignInForm {
            homeserver: "http://127.0.0.1:8008".into(),
            kind,
            user: "admin".into(),
            password: "pw".into(),
            token: "syt_pasted".into(),
        }
    }

    #[test]
    fn every_field_has_its_problem() {
        let errors = validate(&SignInForm::default(), &Config::default()).unwrap_err();
        assert!(matches!(
            errors.homeserver,
            Some(HomeserverProblem::Invalid(_))
        ));
        assert_eq!(errors.user, Some(UserProblem::Missing));
        assert_eq!(errors.password, Some(PasswordProblem::Missing));
        assert_eq!(errors.token, None);

        let mut token = form(CredentialKind::Token);
        token.token = "Bearer syt_x".into();
        assert_eq!(
            validate(&token, &Config::default()).unwrap_err().token,
            Some(TokenProblem::HasBearerWord)
        );
        token.token = "   ".into();
        assert_eq!(
            validate(&token, &Config::default()).unwrap_err().token,
            Some(TokenProblem::Missing)
        );
        token.token = "syt_a b".into();
        assert_eq!(
            validate(&token, &Config::default()).unwrap_err().token,
            Some(TokenProblem::HasSpaces)
        );

        let mut user = form(CredentialKind::Password);
        user.user = "@admin".into();
        assert!(matches!(
            validate(&user, &Config::default()).unwrap_err().user,
            Some(UserProblem::Invalid(_))
        ));
        user.user = "ad min".into();
        assert_eq!(
            validate(&user, &Config::default()).unwrap_err().user,
            Some(UserProblem::HasSpaces)
        );
    }

    #[test]
    fn a_valid_form_becomes_a_plan() {
        let plan = validate(&form(CredentialKind::Password), &Config::default()).unwrap();
        assert_eq!(
            plan.credentials,
            Credentials::Password {
                user: "admin".into(),
                password: "pw".into()
            }
        );
        assert!(!format!("{plan:?}").contains("pw\""));
    }

    #[test]
    fn the_restriction_applies_to_typed_urls() {
        let config = Config::from_json(r#"{"restrictBaseUrl":"https://m.example.org"}"#).unwrap();
        let errors = validate(&form(CredentialKind::Token), &config).unwrap_err();
        let Some(HomeserverProblem::NotAllowed { allowed }) = errors.homeserver else {
            panic!("not NotAllowed");
        };
        assert_eq!(allowed[0].as_str(), "https://m.example.org");
    }

    #[test]
    fn return_paths_stay_inside_the_console() {
        assert_eq!(
            safe_return_path(Some("/media?user=%40a%3Ab")).as_deref(),
            Some("/media?user=%40a%3Ab")
        );
        assert_eq!(
            safe_return_path(Some("/admin/purge")).as_deref(),
            Some("/admin/purge")
        );
        assert_eq!(safe_return_path(None), None);
        for bad in [
            "//evil.org",
            "https://evil.org",
            "/\\evil.org",
            "media",
            "/signin?next=/x",
            "/admin/signin/",
            "/a\nb",
        ] {
            assert_eq!(safe_return_path(Some(bad)), None, "{bad}");
        }
    }
}
