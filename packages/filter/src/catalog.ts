/**
 * What kind of sensitive data a type is: a credential, or personal data.
 *
 * @example
 * ```ts
 * const category: SensitiveCategory = "pii";
 * ```
 */
export type SensitiveCategory = "secret" | "pii";

/**
 * How a type is found: by the shape of a value, by the name of the field holding it, or both.
 *
 * @example
 * ```ts
 * const source: DetectionSource = "both";
 * ```
 */
export type DetectionSource = "value" | "field" | "both";

/**
 * One sensitive type the filter knows, as listed by {@link listSensitiveTypes}.
 *
 * @example
 * ```ts
 * const info: SensitiveTypeInfo = { type: "email", category: "pii", label: "EMAIL", detectedBy: "both",
 *   description: "e-mail address" };
 * ```
 */
export interface SensitiveTypeInfo {
  /** Stable id used in findings and in the `actions` option, e.g. `github_pat`. */
  type: string;
  /** `secret` (credentials) or `pii` (personal data). */
  category: SensitiveCategory;
  /** Upper-case label used in placeholders (`[EMAIL_1]`) and redaction markers. */
  label: string;
  /** How it is found. */
  detectedBy: DetectionSource;
  /** One line for humans. */
  description: string;
}

type Row = readonly [type: string, category: SensitiveCategory, detectedBy: DetectionSource, description: string];

const ROWS: readonly Row[] = [
  ["aws_access_key_id", "secret", "value", "AWS access key id (AKIA…, ASIA…)"],
  ["aws_secret_access_key", "secret", "both", "AWS secret access key (40 base64 characters next to its name)"],
  ["github_pat", "secret", "value", "GitHub classic personal access token (ghp_, CRC-32 checked)"],
  ["github_oauth_token", "secret", "value", "GitHub OAuth access token (gho_, CRC-32 checked)"],
  ["github_user_token", "secret", "value", "GitHub App user-to-server token (ghu_, CRC-32 checked)"],
  ["github_server_token", "secret", "value", "GitHub App installation token (ghs_, CRC-32 checked)"],
  ["github_refresh_token", "secret", "value", "GitHub App refresh token (ghr_, CRC-32 checked)"],
  ["github_fine_grained_pat", "secret", "value", "GitHub fine-grained personal access token (github_pat_)"],
  ["gitlab_pat", "secret", "value", "GitLab personal, project or group access token (glpat-)"],
  ["gitlab_runner_token", "secret", "value", "GitLab runner authentication token (glrt-)"],
  ["gitlab_deploy_token", "secret", "value", "GitLab deploy token (gldt-)"],
  ["slack_bot_token", "secret", "value", "Slack bot token (xoxb-)"],
  ["slack_user_token", "secret", "value", "Slack user token (xoxp-)"],
  ["slack_app_token", "secret", "value", "Slack app-level token (xapp-)"],
  ["slack_webhook_url", "secret", "value", "Slack incoming webhook URL"],
  ["stripe_secret_key", "secret", "value", "Stripe secret key (sk_live_, sk_test_)"],
  ["stripe_restricted_key", "secret", "value", "Stripe restricted key (rk_live_, rk_test_)"],
  ["stripe_webhook_secret", "secret", "value", "Stripe webhook signing secret (whsec_)"],
  ["openai_api_key", "secret", "value", "OpenAI API key (sk-…T3BlbkFJ…, sk-proj-)"],
  ["anthropic_api_key", "secret", "value", "Anthropic API key (sk-ant-api03-)"],
  ["google_api_key", "secret", "value", "Google API key (AIza…)"],
  ["google_oauth_client_secret", "secret", "value", "Google OAuth client secret (GOCSPX-)"],
  ["google_oauth_access_token", "secret", "value", "Google OAuth access token (ya29.)"],
  ["azure_connection_string", "secret", "value", "Azure storage or service bus key inside a connection string"],
  ["azure_sas_token", "secret", "value", "Azure shared access signature (sig= in a SAS URL)"],
  ["twilio_api_key", "secret", "value", "Twilio API key SID (SK + 32 hex)"],
  ["sendgrid_api_key", "secret", "value", "SendGrid API key (SG.…)"],
  ["npm_token", "secret", "value", "npm access token (npm_, CRC-32 checked)"],
  ["mailgun_api_key", "secret", "value", "Mailgun API key (key- + 32 hex)"],
  ["mailchimp_api_key", "secret", "value", "Mailchimp API key (32 hex + -usN)"],
  ["shopify_token", "secret", "value", "Shopify access token or shared secret (shpat_, shpss_, …)"],
  ["digitalocean_token", "secret", "value", "DigitalOcean token (dop_v1_, doo_v1_, dor_v1_)"],
  ["huggingface_token", "secret", "value", "Hugging Face access token (hf_)"],
  ["pypi_token", "secret", "value", "PyPI upload token (pypi-AgEIcHlwaS5vcmc…)"],
  ["discord_webhook_url", "secret", "value", "Discord webhook URL"],
  ["telegram_bot_token", "secret", "value", "Telegram bot token (digits:AA…)"],
  ["databricks_token", "secret", "value", "Databricks personal access token (dapi)"],
  ["jwt", "secret", "value", "JSON Web Token (header decoded and checked)"],
  ["private_key", "secret", "both", "PEM private key (RSA, EC, DSA, PKCS#8, encrypted)"],
  ["openssh_private_key", "secret", "value", "OpenSSH private key"],
  ["pgp_private_key", "secret", "value", "PGP private key block"],
  ["database_url", "secret", "value", "credentials inside a database URL (postgres://user:pass@…)"],
  ["url_credentials", "secret", "value", "user:password inside any other URL"],
  ["bearer_token", "secret", "value", "token after `Bearer` (Authorization headers, logs)"],
  ["basic_auth", "secret", "value", "base64 user:password after `Basic`"],
  ["password_hash", "secret", "both", "bcrypt or Argon2 password hash"],
  ["password", "secret", "field", "value of a password-like field or `password=` assignment"],
  ["secret", "secret", "field", "value of a secret-like field (client_secret, …)"],
  ["api_key", "secret", "field", "value of an api-key-like field"],
  ["access_token", "secret", "field", "value of a token-like field (access_token, refresh_token, …)"],
  ["authorization", "secret", "field", "value of an Authorization header or field"],
  ["cookie", "secret", "field", "value of a Cookie / Set-Cookie header or field"],
  ["session_id", "secret", "field", "value of a session id field"],
  ["connection_string", "secret", "field", "value of a connection-string or DSN field"],
  ["otp", "secret", "field", "one-time password, PIN or MFA code field"],
  ["email", "pii", "both", "e-mail address"],
  ["phone", "pii", "both", "phone number (international +CC, NANP, UK, DE, FR, JP, AU, IN, BR formats)"],
  ["credit_card", "pii", "both", "payment card number (issuer prefix, length and Luhn checked)"],
  ["card_security_code", "pii", "field", "card CVV/CVC field"],
  ["iban", "pii", "both", "IBAN (country length and mod-97 checked)"],
  ["bank_account", "pii", "field", "bank account or routing number field"],
  ["us_ssn", "pii", "both", "US social security number (area, group and serial rules)"],
  ["uk_nino", "pii", "value", "UK National Insurance number"],
  ["ipv4", "pii", "value", "IPv4 address"],
  ["ipv6", "pii", "value", "IPv6 address"],
  ["ip_address", "pii", "field", "value of an IP address field"],
  ["date_of_birth", "pii", "field", "date of birth field"],
  ["street_address", "pii", "field", "street address field"],
  ["national_id", "pii", "field", "passport, driver's licence, tax or national id field"],
  ["person_name", "pii", "field", "full, first or last name field"],
];

let table: Map<string, SensitiveTypeInfo> | undefined;

/** The catalogue keyed by type id (built on first use). */
export function typeTable(): Map<string, SensitiveTypeInfo> {
  if (table === undefined) {
    table = new Map(
      ROWS.map(([type, category, detectedBy, description]) => [
        type,
        { type, category, label: type.toUpperCase(), detectedBy, description },
      ]),
    );
  }
  return table;
}

/**
 * Every sensitive type the filter detects, with its category, placeholder label and how it is found.
 *
 * @returns a fresh array; safe to modify
 * @example
 * ```ts
 * import { listSensitiveTypes } from "@athena/filter";
 * const secrets = listSensitiveTypes().filter((t) => t.category === "secret").map((t) => t.type);
 * ```
 */
export function listSensitiveTypes(): SensitiveTypeInfo[] {
  return [...typeTable().values()].map((info) => ({ ...info }));
}
