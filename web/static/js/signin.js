// The sign-in page: first sign-in with a one-time link (its secret is in the URL's fragment,
// which no server ever receives), then name and password. The API sets the session cookie
// (HttpOnly) and gives the CSRF token the map sends back; see docs/api.md, "Accounts".
//
// French by default, English when the browser prefers it (the map's own choice, kept in
// localStorage by i18n.js, wins when it was made).

const TEXTS = {
  fr: {
    "redeem.title": "Choisissez votre mot de passe",
    "redeem.help": "Ce lien ne sert qu'une fois. Quelques mots font un bon mot de passe (10 caractères au moins).",
    "redeem.password": "Mot de passe",
    "redeem.again": "Le même, encore",
    "redeem.submit": "Enregistrer et me connecter",
    "redeem.mismatch": "Les deux mots de passe diffèrent.",
    "signin.title": "Connexion",
    "signin.name": "Nom",
    "signin.password": "Mot de passe",
    "signin.submit": "Se connecter",
    "signin.help": "Pas encore de compte ? Un administrateur vous en crée un et vous remet un lien de connexion.",
    "signed.as": "Connecté·e : {name} ({role})",
    "signed.map": "Ouvrir la carte en mode « Contribuer »",
    "signed.out": "Se déconnecter",
    "signed.left": "Vous êtes déconnecté·e.",
    "error.network": "Le serveur ne répond pas : réessayez dans un instant.",
    "role.contributor": "contributeur·rice",
    "role.editor": "éditeur·rice",
    "role.admin": "administrateur·rice",
  },
  en: {
    "redeem.title": "Choose your password",
    "redeem.help": "This link works once. A few words make a good password (10 characters at least).",
    "redeem.password": "Password",
    "redeem.again": "The same again",
    "redeem.submit": "Save and sign in",
    "redeem.mismatch": "The two passwords differ.",
    "signin.title": "Sign in",
    "signin.name": "Name",
    "signin.password": "Password",
    "signin.submit": "Sign in",
    "signin.help": "No account yet? An admin creates one and hands you a sign-in link.",
    "signed.as": "Signed in: {name} ({role})",
    "signed.map": "Open the map in “Contribute” mode",
    "signed.out": "Sign out",
    "signed.left": "You are signed out.",
    "error.network": "The server does not answer: try again in a moment.",
    "role.contributor": "contributor",
    "role.editor": "editor",
    "role.admin": "admin",
  },
};

function pageLang() {
  const chosen = localStorage.getItem("maillage.lang");
  if (chosen === "fr" || chosen === "en") return chosen;
  const preferred = (navigator.languages?.[0] ?? navigator.language ?? "fr").toLowerCase();
  return preferred.startsWith("en") ? "en" : "fr";
}

const LANG = pageLang();

function tr(key, params = {}) {
  const text = TEXTS[LANG][key] ?? TEXTS.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

function translate() {
  document.documentElement.lang = LANG;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = tr(node.dataset.t);
}

const message = () => document.getElementById("signin-message");

function say(text, kind = "error") {
  const node = message();
  node.textContent = text;
  node.dataset.kind = kind;
}

async function post(path, body, headers = {}) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept-Language": LANG, ...headers },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, error: tr("error.network") };
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = data.errors?.[0]?.message ?? `HTTP ${response.status}`;
    return { ok: false, status: response.status, error, wait: response.headers.get("Retry-After") };
  }
  return { ok: true, data };
}

function showSignedIn(user) {
  document.getElementById("signin-form").hidden = true;
  document.getElementById("redeem-form").hidden = true;
  const box = document.getElementById("signed-in");
  box.hidden = false;
  document.getElementById("signed-in-text").textContent = tr("signed.as", {
    name: user.name,
    role: tr(`role.${user.role}`),
  });
}

function linkSecret() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  return params.get("link");
}

async function start() {
  translate();
  const secret = linkSecret();
  if (secret) {
    // the secret leaves the address bar (and the history) at once
    history.replaceState(null, "", location.pathname);
    document.getElementById("redeem-form").hidden = false;
    document.getElementById("signin-form").hidden = true;
    document.getElementById("redeem-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = event.currentTarget;
      if (form.elements.password.value !== form.elements.again.value) {
        say(tr("redeem.mismatch"));
        return;
      }
      const answer = await post("auth/redeem", { link: secret, password: form.elements.password.value });
      if (!answer.ok) {
        say(answer.error);
        return;
      }
      say("", "ok");
      showSignedIn(answer.data.user);
      location.assign("./#contribuer");
    });
  } else {
    const current = await fetch("auth/session", { credentials: "same-origin" })
      .then((r) => r.json())
      .catch(() => ({ user: null }));
    if (current.user) showSignedIn(current.user);
  }
  document.getElementById("signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const answer = await post("auth/signin", {
      name: form.elements.name.value,
      password: form.elements.password.value,
    });
    if (!answer.ok) {
      say(answer.error);
      return;
    }
    say("", "ok");
    showSignedIn(answer.data.user);
    // to the map in "Contribuer" mode (a form typed before an expiry is kept there)
    location.assign("./#contribuer");
  });
  document.getElementById("signout").addEventListener("click", async () => {
    const csrf = document.cookie.split("; ").find((c) => c.startsWith("maillage_csrf="))?.split("=")[1] ?? "";
    await post("auth/signout", {}, { "X-CSRF-Token": csrf });
    document.getElementById("signed-in").hidden = true;
    document.getElementById("signin-form").hidden = false;
    say(tr("signed.left"), "ok");
  });
}

start();
