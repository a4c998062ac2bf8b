/**
 * Field-name detection: a key such as `apiKey`, `api_key`, `API-KEY` or `x-api-key` is normalised (lower case, only
 * letters and digits) and looked up, first exactly, then by a strong suffix (`dbPassword`, `stripeSecretKey`).
 */

/** Exact normalised names → type. */
// biome-ignore format: word lists read better packed
const EXACT: ReadonlyArray<readonly [string, readonly string[]]> = [
  [
    "password",
    [
      "password", "passwd", "pwd", "pass", "passphrase", "userpassword", "dbpassword", "adminpassword", "rootpassword",
      "mysqlpassword", "postgrespassword", "pgpassword", "smtppassword", "newpassword", "oldpassword", "currentpassword",
      "confirmpassword", "passwordconfirmation", "loginpassword", "masterpassword", "keystorepassword", "secretpassword",
    ],
  ],
  [
    "secret",
    [
      "secret", "clientsecret", "appsecret", "apisecret", "consumersecret", "webhooksecret", "sharedsecret",
      "signingsecret", "secretkey", "secrettoken", "jwtsecret", "sessionsecret", "cookiesecret", "encryptionkey",
      "signingkey", "masterkey", "hmackey", "hmacsecret", "oauthsecret", "tokensecret", "accesssecret",
      "credentials", "credential", "clientkey",
    ],
  ],
  [
    "api_key",
    ["apikey", "xapikey", "apitoken", "apiaccesskey", "accesskey", "subscriptionkey", "ocpapimsubscriptionkey",
      "developerkey", "licensekey", "appkey", "privateapikey", "serviceaccountkey"],
  ],
  [
    "access_token",
    [
      "token", "accesstoken", "refreshtoken", "authtoken", "idtoken", "bearertoken", "sessiontoken", "csrftoken",
      "xsrftoken", "xcsrftoken", "xauthtoken", "oauthtoken", "githubtoken", "ghtoken", "gitlabtoken", "npmtoken",
      "slacktoken", "bottoken", "personalaccesstoken", "pat", "securitytoken", "xamzsecuritytoken", "usertoken",
      "apptoken", "authenticitytoken", "deploytoken", "registrationtoken", "resettoken", "verificationtoken",
    ],
  ],
  ["aws_secret_access_key", ["awssecretaccesskey", "secretaccesskey", "awssecretkey", "awssecret"]],
  ["authorization", ["authorization", "proxyauthorization", "auth", "authheader", "xauthorization", "wwwauthenticate"]],
  ["cookie", ["cookie", "cookies", "setcookie"]],
  ["session_id", ["sessionid", "sessid", "phpsessid", "jsessionid", "aspnetsessionid", "sessionkey", "connectsid"]],
  [
    "private_key",
    ["privatekey", "sshkey", "sshprivatekey", "rsaprivatekey", "privatekeypem", "pemkey", "gpgkey", "pgpkey", "tlskey",
      "sslkey", "clientkeypem"],
  ],
  [
    "connection_string",
    ["connectionstring", "connstr", "connstring", "databaseurl", "dburl", "dsn", "mongouri", "mongourl", "mongodburi",
      "redisurl", "postgresurl", "mysqlurl", "jdbcurl", "amqpurl", "sqlalchemydatabaseuri", "databaseuri"],
  ],
  ["password_hash", ["passwordhash", "hashedpassword", "passworddigest", "encryptedpassword", "pwhash"]],
  ["otp", ["otp", "totp", "mfacode", "otpcode", "pin", "verificationcode", "twofactorcode", "smscode"]],
  ["email", ["email", "emails", "emailaddresses", "emailaddress", "mail", "useremail", "contactemail", "workemail", "personalemail", "emailaddr"]],
  [
    "phone",
    ["phone", "phones", "phonenumbers", "phonenumber", "mobile", "mobilenumber", "mobilephone", "cellphone", "telephone", "tel",
      "fax", "faxnumber", "homephone", "workphone", "msisdn"],
  ],
  ["us_ssn", ["ssn", "socialsecuritynumber", "socialsecurity", "socialsecurityno", "ssnumber"]],
  [
    "credit_card",
    ["creditcard", "creditcardnumber", "cardnumber", "ccnumber", "ccnum", "cardno", "debitcard",
      "paymentcardnumber", "primaryaccountnumber"],
  ],
  ["card_security_code", ["cvv", "cvc", "cvv2", "cvc2", "cardsecuritycode", "securitycode", "cardverificationvalue"]],
  ["iban", ["iban", "ibannumber"]],
  ["bank_account", ["bankaccount", "bankaccountnumber", "routingnumber", "sortcode"]],
  ["date_of_birth", ["dob", "dateofbirth", "birthdate", "birthday", "birthdt"]],
  [
    "street_address",
    ["address", "streetaddress", "street", "homeaddress", "mailingaddress", "billingaddress", "shippingaddress",
      "addressline1", "addressline2", "address1", "address2", "residentialaddress"],
  ],
  ["ip_address", ["ip", "ipaddress", "ipaddr", "clientip", "remoteip", "remoteaddr", "xforwardedfor", "xrealip", "sourceip"]],
  [
    "national_id",
    ["passport", "passportnumber", "passportno", "driverslicense", "driverlicense", "driverslicence", "licensenumber",
      "taxid", "tin", "nationalid", "nationalidnumber", "nino", "nationalinsurancenumber", "sin", "nric", "aadhaar",
      "curp", "cpf", "itin", "personalidnumber", "idnumber"],
  ],
  [
    "person_name",
    ["fullname", "firstname", "lastname", "givenname", "familyname", "surname", "middlename", "maidenname",
      "legalname", "mothersmaidenname"],
  ],
];

/** Suffixes strong enough that any name ending with them is sensitive (`dbPassword`, `STRIPE_SECRET_KEY`). */
const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ["password", "password"],
  ["passwd", "password"],
  ["passphrase", "password"],
  ["secretaccesskey", "aws_secret_access_key"],
  ["clientsecret", "secret"],
  ["secretkey", "secret"],
  ["secret", "secret"],
  ["apikey", "api_key"],
  ["apitoken", "api_key"],
  ["accesstoken", "access_token"],
  ["refreshtoken", "access_token"],
  ["authtoken", "access_token"],
  ["bearertoken", "access_token"],
  ["privatekey", "private_key"],
  ["connectionstring", "connection_string"],
  ["databaseurl", "connection_string"],
  ["sessionid", "session_id"],
  ["sessiontoken", "access_token"],
  ["token", "access_token"],
  ["email", "email"],
  ["emailaddress", "email"],
  ["phonenumber", "phone"],
  ["phone", "phone"],
  ["cardnumber", "credit_card"],
  ["creditcard", "credit_card"],
  ["ssn", "us_ssn"],
  ["iban", "iban"],
  ["dateofbirth", "date_of_birth"],
  ["passwordhash", "password_hash"],
];

/** Names that end like a sensitive one but are not (pagination cursors, token counts, type tags). */
// biome-ignore format: word lists read better packed
const NOT_SENSITIVE = new Set([
  "nexttoken", "pagetoken", "nextpagetoken", "prevpagetoken", "previouspagetoken", "continuationtoken",
  "paginationtoken", "synctoken", "cursortoken", "maxtoken", "lasttoken", "firsttoken", "tokentype", "tokencount",
  "tokenusage", "usagetoken", "resumetoken", "pagingtoken", "cancellationtoken", "nocsrftoken",
  "isemail", "sendemail", "emailverified", "hasemail", "hasphone", "haspassword", "passwordset", "secretname",
  "secretarn", "secretid", "secretversion", "passwordpolicy", "passwordexpired", "passwordlastset",
  "tokenendpoint", "tokenurl", "tokenuri", "emailtemplate", "emailsubject", "emailbody", "secretref",
]);

const PASS_WORD = /(?:[_.-]pass|^pass)$/i;
const PASS_CAMEL = /[a-z0-9]Pass$/;
const COUNTING_TOKEN = /(?:max|min|total|input|output|prompt|completion|num|count|used|page|next|cache)token$/;

let exact: Map<string, string> | undefined;

function exactTable(): Map<string, string> {
  if (exact === undefined) {
    exact = new Map();
    for (const [type, names] of EXACT) for (const name of names) exact.set(name, type);
  }
  return exact;
}

/** Lower-cases and keeps only ASCII letters and digits: `X-Api-Key` → `xapikey`. */
export function normaliseFieldName(name: string): string {
  let out = "";
  for (let i = 0; i < name.length; i++) {
    let code = name.charCodeAt(i);
    if (code >= 65 && code <= 90) code += 32;
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) out += String.fromCharCode(code);
  }
  return out;
}

/**
 * Classifies a field name. `extra` (normalised name → type) wins over the built-in table; `ignore` (normalised
 * names) turns names off.
 *
 * @returns the sensitive type, or undefined when the name says nothing
 */
export function classifyFieldName(
  name: string,
  extra: ReadonlyMap<string, string> | undefined,
  ignore: ReadonlySet<string> | undefined,
): string | undefined {
  if (name.length > 64) return undefined;
  const normal = normaliseFieldName(name);
  // `SMTP_PASS`, `db-pass`, `adminPass`: "pass" as its own word at the end (not `bypass`, `compass`).
  if ((PASS_WORD.test(name) || PASS_CAMEL.test(name)) && !ignore?.has(normal) && extra?.get(normal) === undefined)
    return "password";
  if (normal.length === 0) return undefined;
  if (ignore?.has(normal)) return undefined;
  const custom = extra?.get(normal);
  if (custom !== undefined) return custom;
  const hit = exactTable().get(normal);
  if (hit !== undefined) return hit;
  if (NOT_SENSITIVE.has(normal) || normal.length < 5) return undefined;
  for (const [suffix, type] of SUFFIXES) {
    if (normal.length > suffix.length && normal.endsWith(suffix)) {
      // `maxtokens`, `tokenstotal`… never end with these suffixes; `…token` needs a letter before it that is not part
      // of a counting word.
      if (suffix === "token" && COUNTING_TOKEN.test(normal)) return undefined;
      return type;
    }
  }
  return undefined;
}

/** How many distinct normalised names the built-in table knows (for docs and tests). */
export function builtInFieldNameCount(): number {
  return exactTable().size;
}
