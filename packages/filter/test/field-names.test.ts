import { describe, expect, it } from "vitest";
import { builtInFieldNameCount, classifyFieldName, normaliseFieldName } from "../src/field-names.js";

const classify = (name: string) => classifyFieldName(name, undefined, undefined);

describe("field names", () => {
  it("normalises case and separators", () => {
    for (const name of ["apiKey", "api_key", "API-KEY", "Api.Key", "API_KEY"])
      expect(normaliseFieldName(name)).toBe("apikey");
    for (const name of ["apiKey", "api_key", "API-KEY", "x-api-key", "X-API-KEY"])
      expect(classify(name), name).toBe("api_key");
  });

  it("knows 30+ names across secrets and personal data", () => {
    expect(builtInFieldNameCount()).toBeGreaterThanOrEqual(200);
    const expected: Record<string, string> = {
      password: "password",
      passwd: "password",
      DB_PASSWORD: "password",
      SMTP_PASS: "password",
      adminPass: "password",
      secret: "secret",
      client_secret: "secret",
      clientSecret: "secret",
      token: "access_token",
      access_token: "access_token",
      refreshToken: "access_token",
      "x-auth-token": "access_token",
      authorization: "authorization",
      Cookie: "cookie",
      "Set-Cookie": "cookie",
      session_id: "session_id",
      private_key: "private_key",
      connection_string: "connection_string",
      DATABASE_URL: "connection_string",
      aws_secret_access_key: "aws_secret_access_key",
      email: "email",
      contactEmail: "email",
      phone: "phone",
      phone_number: "phone",
      mobile: "phone",
      ssn: "us_ssn",
      credit_card: "credit_card",
      cardNumber: "credit_card",
      cvv: "card_security_code",
      iban: "iban",
      dob: "date_of_birth",
      date_of_birth: "date_of_birth",
      street_address: "street_address",
      ip_address: "ip_address",
      passport_number: "national_id",
      first_name: "person_name",
      password_hash: "password_hash",
      otp: "otp",
    };
    for (const [name, type] of Object.entries(expected)) expect(classify(name), name).toBe(type);
  });

  it("does not flag look-alikes", () => {
    for (const name of [
      "max_tokens",
      "next_token",
      "nextPageToken",
      "token_type",
      "tokenCount",
      "completion_tokens",
      "bypass",
      "compass",
      "email_verified",
      "secretName",
      "password_policy",
      "name",
      "id",
      "status",
      "description",
      "tel_ext_label",
      "x",
    ])
      expect(classify(name), name).toBeUndefined();
  });

  it("honours extra and ignored names", () => {
    expect(classifyFieldName("employeeNo", new Map([["employeeno", "national_id"]]), undefined)).toBe("national_id");
    expect(classifyFieldName("token", undefined, new Set(["token"]))).toBeUndefined();
  });
});
