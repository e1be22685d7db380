#!/usr/bin/env python3
"""Extract attribute/field names from public sources for the sanitize field-name corpus.

Runs offline against git snapshots of the public repositories listed in SOURCES below
(one bare git directory per repository; by default /work/.mirror/<owner>+<name>/repo, change
with --mirrors or CORPUS_MIRRORS). Nothing is downloaded. A few small sources could not be
brought here as repositories (Django, MDN, the Customer.io Track API docs); the names taken
from them were transcribed from the stored file text and are listed literally in
TRANSCRIBED below, each with its path.

Output: a JSON list of {"name", "source"} in source order (first source wins on exact
duplicates), written to stdout or --out. Labelling is a separate step (label.py).

Usage:
  python3 extract_sources.py --out /tmp/names.json
"""

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys

MIRRORS = os.environ.get("CORPUS_MIRRORS", "/work/.mirror")

# Commits the corpus was extracted from (the snapshot HEADs at extraction time, except Stripe:
# its current spec3.json is over the 4 MiB snapshot limit, so the newest stored version is used).
COMMITS = {
    "joke2k/faker": "8ad78a632a4116e6392e6d5743524c683a2e02a1",
    "faker-js/faker": "e3858f221bb3b6e1278933c0b8e0d98da6854e52",
    "segmentio/segment-docs": "747b35d8f5f1889b041f2101185d562d7c4c016e",
    "schemaorg/schemaorg": "cc71c8e064859e912aac8b11ec06e6bc53255b6a",
    "stripe/openapi": "e0123a38b40c8d840b4c0469ac0ee1650b6bfea3",
    "Shopify/shopify-api-js": "9dd9284376deaca14598e8dc96c90b868e03086b",
    "w3c/html": "2ef7a579bcfd2693b98df35f20e51dff60e3fbef",
    "customerio/customerio-node": "415363a0b1a2e72634fa595e1ec701a2138d515c",
    "braintree/braintree_ruby": "61b71d56b67d3a3c9c43704e9513e0b9f8d7230d",
    "activemerchant/active_merchant": "ca45b1b063ce2e1495e1427e0a1d42dcb482d57d",
    "plaid/plaid-node": "49270ba0467ce7e70486ed634c4f3dc1e5c06ade",
    "checkr/checkr-ruby": "3d98c3685af1310305717a52e92c71a1b06b88c3",
    "heartcombo/devise": "7ca7ed9c174525a4d36167441b35af4a0991b6af",
    "tinfoil/devise-two-factor": "c597da043482aedc215f3b71665411b3269892a0",
    "rails/rails": "2a2db1e8d6d104ee0611efcae7eb023af65cff34",
    "laravel/laravel": "8a119d7f4461c73b47197b80f4cecb3c97796919",
    "laravel/framework": "bd71b45fbb7e672957bf6ff61baddefe15fbca6a",
    "laravel/fortify": "f1ad2dd08646fb7d78e609f38e2b1071c71c4e94",
    "doorkeeper-gem/doorkeeper": "d0cd44a7fa1f92d65002a5ec01ed8eb0ba83ba99",
    "oauthlib/oauthlib": "40b0ab56da3682c2484a4b78bbff309f8025d950",
    "auth0/node-auth0": "74170bb0a59981fb32da389ac8d21b61e75d921d",
    "firebase/firebase-admin-node": "5a203f6737ffd96e44824a22a5a9004411d088e3",
    "supabase/auth-js": "25c6b427162b47f9089e0c9d2389d4ee1ca12343",
    "pbojinov/request-ip": "e1d0f4b89edf26c77cf62b5ef662ba1a0bd1c9fd",
    "laravel/cashier-stripe": "6c304574e3ec6d3cd22abf18c1f8a4c61ba385ea",
}
# Cashier's customer columns before v13 (card_brand, card_last_four): the parent of 8a1ccef.
CASHIER_OLD = "382e53a39b0cd9b439872354ac11a12d787b40da"


def gitdir(repo):
    return os.path.join(MIRRORS, repo.replace("/", "+"), "repo")


def show(repo, path, commit=None):
    out = subprocess.run(
        ["git", "--git-dir=" + gitdir(repo), "show", (commit or COMMITS[repo]) + ":" + path],
        capture_output=True,
        check=True,
    )
    return out.stdout.decode("utf-8")


def ls(repo, prefix=""):
    out = subprocess.run(
        ["git", "--git-dir=" + gitdir(repo), "ls-tree", "-r", "--name-only", COMMITS[repo], "--", prefix],
        capture_output=True,
        text=True,
        check=True,
    )
    return [p for p in out.stdout.split("\n") if p]


def strip_comments_js(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"(?m)//[^\n]*", "", text)


def interface_props(text, name, indent=None):
    """Property names of `export interface <name> { ... }` (or a type alias object) in TS."""
    m = re.search(r"export (?:declare )?(?:interface|type) " + re.escape(name) + r"\b[^\n{]*\{(.*?)\n\}", text, re.S)
    if not m:
        raise KeyError(name)
    body = strip_comments_js(m.group(1))
    ind = r"\s+" if indent is None else " " * indent
    return re.findall(r"(?m)^" + ind + r"['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?\??:", body)


# --------------------------------------------------------------------------------------------
# Customer.io


def customerio():
    out = []
    # customerio/customerio-node README: identify example attributes and identifier kinds.
    readme = show("customerio/customerio-node", "README.md")
    m = re.search(r"cio\.identify\(1, \{(.*?)\}\);", readme, re.S)
    for n in re.findall(r"(?m)^\s+([a-z_]+):", m.group(1)):
        out.append((n, "customerio/customerio-node: README.md (identify example attributes)"))
    for n in ("cio_id", "anonymous_id"):
        assert n in readme
        out.append((n, "customerio/customerio-node: README.md (identifier kinds, trackAnonymous)"))
    types = show("customerio/customerio-node", "lib/types.ts")
    for n in re.findall(r"= '([a-z_]+)',", types.split("export enum FilterOperator")[0]):
        out.append((n, "customerio/customerio-node: lib/types.ts (IdentifierType)"))
    for n, part in TRANSCRIBED["customerio-track-api"]:
        out.append((n, "Customer.io Track API docs: " + part))
    return out


# --------------------------------------------------------------------------------------------
# Segment spec

SEG_TYPES = re.compile(
    r"^(string|number|object|array|boolean|bool|date|datetime|integer|int|float|double|timestamp)\b", re.I
)
SEG_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_.$]*$")
SEG_HEADERS = {"Field", "Property", "Trait", "Name", "Action", "Parameter"}
# Backticked words in the description column that are sub-fields of the row's object
# (identify/group `address`, `company`; common `context.*` objects).
SEG_SUBFIELD_ROWS = {"address", "company", "app", "campaign", "device", "library", "network", "os", "page",
                     "referrer", "screen", "userAgentData"}


def segment():
    repo = "segmentio/segment-docs"
    out = []
    files = [f for f in ls(repo, "src/connections/spec/") if f.endswith(".md")]
    for f in files:
        text = show(repo, f)
        for line in text.split("\n"):
            if "|" not in line:
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 2:
                continue
            first = cells[0].replace("`", "").replace("*", "").strip()
            second = cells[1].replace("`", "").replace("\\", "").strip()
            if not SEG_IDENT.match(first) or first in SEG_HEADERS:
                continue
            if not (SEG_TYPES.match(second) or second in ("✅", "")):
                continue
            leaf = first.split(".")[-1]
            if leaf in ("", "$"):
                continue
            out.append((leaf, "segmentio/segment-docs: %s (property table)" % f))
            if first in SEG_SUBFIELD_ROWS and len(cells) > 2:
                for sub in re.findall(r"`([A-Za-z_][A-Za-z0-9_.]*)`", " ".join(cells[2:])):
                    sub = sub.split(".")[-1]
                    if sub not in ("tzdata",):
                        out.append((sub, "segmentio/segment-docs: %s (`%s` sub-fields)" % (f, first)))
    return out


# --------------------------------------------------------------------------------------------
# schema.org


def schemaorg():
    repo = "schemaorg/schemaorg"
    path = "data/releases/30.0/schemaorg-current-https-properties.csv"
    rows = list(csv.DictReader(io.StringIO(show(repo, path))))
    out = []
    for t in ("Person", "PostalAddress", "ContactPoint", "Thing"):
        for r in sorted(rows, key=lambda r: r["label"]):
            domains = [d.strip() for d in r["domainIncludes"].split(",")]
            if "https://schema.org/" + t in domains and not r["supersededBy"]:
                out.append((r["label"], "schemaorg/schemaorg: %s (properties of %s)" % (path, t)))
    return out


# --------------------------------------------------------------------------------------------
# HTML autofill field names


def autofill():
    repo = "w3c/html"
    path = "sections/semantics-forms.include"
    text = show(repo, path)
    out = []
    for tok in re.findall(r'<td(?: colspan="[0-9]")?>"<code>([a-z0-9-]+)</code>"', text):
        if tok in ("on", "off"):
            continue
        out.append((tok, "w3c/html: %s (autofill field name table)" % path))
    for tok, part in TRANSCRIBED["mdn-autocomplete"]:
        out.append((tok, "mdn/content: files/en-us/web/html/reference/attributes/autocomplete/index.md (" + part + ")"))
    return out


# --------------------------------------------------------------------------------------------
# Faker (Python)

FAKER_PROVIDERS = ["person", "address", "phone_number", "internet", "company", "job", "bank", "credit_card",
                   "ssn", "passport", "automotive", "currency", "geo", "date_time", "misc", "user_agent"]
# Generator helpers and providers' internal utilities: not names of data fields.
FAKER_SKIP = re.compile(
    r"(^random_|_compute_check_digit$|^replace_|_regex_formats$|^is_leap_year$|^invalid_ssn$|"
    r"between|_this_|^date_object$|^time_object$|^time_series$|^time_delta$|^future_|^past_|"
    r"^pytimezone$|_in_guj$|^date_time_ad$|^nic_handles$|^first_names$|^am_pm$|^century$|"
    r"^minguo_year$|^traditional_month_name$|_pair$|_abbreviated$|^uri_(extension|page|path)$|"
    r"^http_(method|status_code)$|^dga$|^tld$|^slug$|^domain_word$|^safe_domain_name$|"
    r"_platform_token$|_processor$|^(chrome|firefox|safari|opera|internet_explorer)$|"
    r"^license_plate_(ar|en|new|old|unified|mercosur|cdmx|by_province|by_state)$|^plate_|"
    r"^ascii_|^catch_phrase_(attribute|noun|verb)$|^company_limited_|^nonprofit_prefix$|^large_company$|"
    r"^english_catch_phrase$|^brand_suffix$|^te_reo_|^kana_name|^romanized_name|^name_(female|male|nonbinary)$|"
    r"^(first|last)_name_(female|male|nonbinary|unisex|common|est|rus|hinduism|islamic|unique_to_female|"
    r"unique_to_male|female_[a-z]+|male_[a-z]+)$|^(first|last)_(kana|romanized)_name|"
    r"^(given|middle)_name_(female|male)$|^(prefix|suffix)_(female|male|nonbinary)$|^job_(female|male)$|"
    r"^last_name_(female|male)$|^(cryptocurrency|currency)_(symbol|name|code)?$)"
)
# misc provider: only the members that name profile data.
FAKER_MISC_KEEP = {"password", "uuid4", "boolean"}


def faker_py():
    repo = "joke2k/faker"
    out = []
    files = [f for f in ls(repo, "faker/providers/") if f.endswith(".py")]
    for provider in FAKER_PROVIDERS:
        for f in sorted(x for x in files if x.split("/")[2] == provider):
            text = show(repo, f)
            for n in re.findall(r"(?m)^    def ([a-z][a-z0-9_]*)\(", text):
                if provider == "misc" and n not in FAKER_MISC_KEEP:
                    continue
                if FAKER_SKIP.search(n):
                    continue
                out.append((n, "joke2k/faker: %s (%s provider method)" % (f, provider)))
    prof = show(repo, "faker/providers/profile/__init__.py")
    for n in re.findall(r'(?m)^\s+"([a-z_]+)": ', prof):
        out.append((n, "joke2k/faker: faker/providers/profile/__init__.py (profile() keys)"))
    return out


# --------------------------------------------------------------------------------------------
# Faker (JavaScript)

FAKERJS_MODULES = ["person", "location", "phone", "internet", "finance", "company", "commerce", "date", "image",
                   "vehicle", "airline"]
FAKERJS_SKIP = {"constructor", "between", "betweens", "anytime", "future", "past", "recent", "soon",
                "avatarGitHub", "avatarLegacy", "urlLoremFlickr", "urlPicsumPhotos", "urlPlaceholder", "dataUri",
                "httpMethod", "httpStatusCode", "emoji", "color", "domainWord", "domainSuffix", "exampleEmail",
                "jwtAlgorithm", "buzzAdjective", "buzzNoun", "buzzVerb", "catchPhraseAdjective",
                "catchPhraseDescriptor", "catchPhraseNoun", "productAdjective", "productMaterial",
                "cardinalDirection", "ordinalDirection", "direction", "nearbyGPSCoordinate", "aircraftType",
                "airplane", "bicycle", "fuel", "protocol", "port", "weekday", "month"}


def fakerjs():
    repo = "faker-js/faker"
    out = []
    for m in FAKERJS_MODULES:
        text = show(repo, "src/modules/%s/index.ts" % m)
        for n in sorted(set(re.findall(r"(?m)^  ([a-z][A-Za-z0-9]*)\(", text))):
            if n in FAKERJS_SKIP:
                continue
            out.append((n, "faker-js/faker: src/modules/%s/index.ts (%s.%s)" % (m, m, n)))
    return out


# --------------------------------------------------------------------------------------------
# Stripe OpenAPI

STRIPE_SCHEMAS = [
    "customer", "address", "shipping", "billing_details", "card", "payment_method", "payment_method_card",
    "payment_method_card_checks", "payment_method_details_card", "bank_account", "payment_method_sepa_debit",
    "payment_method_us_bank_account", "payment_method_au_becs_debit", "payment_method_bacs_debit",
    "payment_method_acss_debit", "charge", "source", "source_owner", "token", "tax_id", "tax_id_verification",
    "customer_tax", "person", "person_relationship", "legal_entity_dob", "account", "account_business_profile",
    "legal_entity_company", "checkout.session", "payment_pages_checkout_session_customer_details",
    "issuing.cardholder", "issuing.card", "invoice",
]
STRIPE_POSTS = ["/v1/customers", "/v1/tokens", "/v1/payment_methods", "/v1/customers/{customer}/sources",
                "/v1/customers/{customer}/tax_ids", "/v1/accounts", "/v1/accounts/{account}/persons",
                "/v1/charges", "/v1/sources", "/v1/issuing/cardholders"]


def stripe():
    repo = "stripe/openapi"
    spec = json.loads(show(repo, "openapi/spec3.json"))
    schemas = spec["components"]["schemas"]
    out = []
    for s in STRIPE_SCHEMAS:
        for n in schemas[s]["properties"]:
            out.append((n, "stripe/openapi: openapi/spec3.json (schema %s)" % s))

    def walk(node, path, acc):
        if not isinstance(node, dict) or "$ref" in node:
            return
        for k, v in node.get("properties", {}).items():
            acc.append((k, path))
            walk(v, path, acc)
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                walk(sub, path, acc)
        if "items" in node:
            walk(node["items"], path, acc)

    for p in STRIPE_POSTS:
        body = spec["paths"][p]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
        acc = []
        walk(body, p, acc)
        for n, _ in acc:
            # account capability switches (card_payments, sepa_debit_payments, ...) and 1099 settings
            if n.endswith("_payments") or n.startswith("tax_reporting_"):
                continue
            out.append((n, "stripe/openapi: openapi/spec3.json (POST %s request body)" % p))
    return out


# --------------------------------------------------------------------------------------------
# Shopify REST Admin resources

SHOPIFY_VERSION = "2024-04"
SHOPIFY_RESOURCES = ["customer", "customer_address", "order", "checkout", "abandoned_checkout", "draft_order",
                     "transaction"]


def shopify():
    repo = "Shopify/shopify-api-js"
    out = []
    base = "packages/shopify-api/rest/admin"
    for r in SHOPIFY_RESOURCES:
        path = "%s/%s/%s.ts" % (base, SHOPIFY_VERSION, r)
        for n in re.findall(r"(?m)^  public ([a-z_0-9]+)[?!]?:", show(repo, path)):
            out.append((n, "Shopify/shopify-api-js: %s (resource properties)" % path))
    for r in SHOPIFY_RESOURCES:
        path = "%s/__tests__/%s/%s.test.ts" % (base, SHOPIFY_VERSION, r)
        text = show(repo, path)
        keys = []

        def walk(x):
            if isinstance(x, dict):
                for k, v in x.items():
                    keys.append(k)
                    walk(v)
            elif isinstance(x, list):
                for v in x:
                    walk(v)

        for m in re.finditer(r"queueMockResponse\(JSON\.stringify\((\{.*?\})\)\);\n", text):
            walk(json.loads(m.group(1)))
        keys += re.findall(r"(?m)^\s+[a-z_]+\.([a-z_0-9]+) = ", text)
        for n in keys:
            # keys with spaces are merchant-defined line-item property labels in the fixtures
            if " " in n:
                continue
            out.append((n, "Shopify/shopify-api-js: %s (API response/request fixtures)" % path))
    return out


# --------------------------------------------------------------------------------------------
# Braintree (parameter signatures)


def braintree():
    repo = "braintree/braintree_ruby"
    out = []
    # transaction_gateway is left out: its signature is mostly industry add-ons (lodging, travel legs).
    for g in ("address_gateway", "customer_gateway", "credit_card_gateway"):
        path = "lib/braintree/%s.rb" % g
        text = show(repo, path)
        for m in re.finditer(r"(?ms)^    def self\._[a-z_]*signature[a-z_]*\b.*?^    end", text):
            body = re.sub(r"(?m)#.*$", "", m.group(0))
            body = re.sub(r"respond_to\?\(:[a-z_]+\)", "", body)
            body = re.sub(r"when :[a-z_]+", "", body)
            body = re.sub(r"_signature\(:[a-z_]+\)", "", body)
            for n in re.findall(r"(?<![A-Za-z0-9_:]):([a-z][a-z0-9_]*)\b", body):
                if n in ("_any_key_",):
                    continue
                out.append((n, "braintree/braintree_ruby: %s (parameter signature)" % path))
    return out


# --------------------------------------------------------------------------------------------
# ActiveMerchant: payment payload keys that gateways fill from card / check attributes

AM_RECEIVERS = {"credit_card", "creditcard", "card", "credit_card_or_reference", "credit_card_reference", "check",
                "bank_account"}
AM_ATTRS = {"number", "verification_value", "track_data", "account_number", "routing_number", "institution_number",
            "transit_number", "first_name", "last_name", "name", "month", "year", "brand", "bank_name",
            "account_holder_type", "account_type"}
# Keys whose spelling says nothing about what they hold (positional or one-/two-letter codes, or a
# word for something else): left out rather than labelled by what one gateway stores in them.
AM_OPAQUE = {"b1", "b5", "cn", "cc", "ct", "cv", "value", "token", "tokenData", "network_token", "card", "bin",
             "porteur", "AVSCV2Check", "NAME1", "NAME2", "QAName", "SJName", "card_name_g", "Magstripe", "track"}


def activemerchant():
    repo = "activemerchant/active_merchant"
    out = []
    for f in ("credit_card", "check", "network_tokenization_credit_card"):
        path = "lib/active_merchant/billing/%s.rb" % f
        text = show(repo, path)
        for m in re.finditer(r"attr_(?:accessor|reader|writer)\s+((?::[a-z_]+,?\s*)+)", text):
            for n in re.findall(r":([a-z_]+)", m.group(1)):
                if n.startswith("require_"):
                    continue
                out.append((n, "activemerchant/active_merchant: %s (attributes)" % path))
    pat = re.compile(r"\[[:'\"]([A-Za-z_0-9]+)['\"]?\]\s*=\s*([a-z_]+)\.([a-z_]+)\b")
    for f in sorted(p for p in ls(repo, "lib/active_merchant/billing/gateways/") if p.endswith(".rb")):
        text = show(repo, f)
        for key, recv, attr in pat.findall(text):
            if recv in AM_RECEIVERS and attr in AM_ATTRS and key not in AM_OPAQUE:
                out.append((key, "activemerchant/active_merchant: %s (request key set from %s.%s)" % (f, recv, attr)))
    return out


# --------------------------------------------------------------------------------------------
# Plaid

PLAID_SCHEMAS = ["NumbersACH", "NumbersEFT", "NumbersInternational", "NumbersBACS", "AccountBase", "Owner",
                 "AddressData", "UserAddress", "UserIDNumber", "IdentityVerificationUserData",
                 "IdentityVerificationCreateRequestUser", "LinkTokenCreateRequestUser", "PhysicalDocumentExtractedData",
                 "Employee", "Transaction", "Location", "PaymentMeta", "RecipientBACS", "PaymentInitiationRecipient"]


def plaid():
    repo = "plaid/plaid-node"
    text = show(repo, "dist/api.d.ts")
    out = []
    for s in PLAID_SCHEMAS:
        for n in interface_props(text, s, indent=4):
            out.append((n, "plaid/plaid-node: dist/api.d.ts (interface %s)" % s))
    return out


# --------------------------------------------------------------------------------------------
# Checkr


def checkr():
    repo = "checkr/checkr-ruby"
    out = []
    for f in ("candidate", "motor_vehicle_report"):
        path = "lib/checkr/%s.rb" % f
        for n in re.findall(r"(?m)^\s+attribute :([a-z_]+)", show(repo, path)):
            out.append((n, "checkr/checkr-ruby: %s (attributes)" % path))
    return out


# --------------------------------------------------------------------------------------------
# Auth conventions


def devise():
    out = []
    repo = "heartcombo/devise"
    path = "lib/generators/active_record/devise_generator.rb"
    text = show(repo, path)
    block = text[text.index("def migration_data"):]
    block = block[: block.index("\nRUBY")]
    for n in re.findall(r"t\.[#{}a-z_]+\s+:([a-z_]+)", block):
        out.append((n, "heartcombo/devise: %s (migration columns)" % path))
    for f in ls(repo, "app/views/devise/"):
        for n in re.findall(r"f\.(?:[a-z_]+_field|check_box) :([a-z_]+)", show(repo, f)):
            out.append((n, "heartcombo/devise: %s (form field)" % f))
    path = "lib/devise/parameter_sanitizer.rb"
    for n in re.findall(r":([a-z_]+)", show(repo, path).split("DEFAULT_PERMITTED_ATTRIBUTES")[1].split("}")[0]):
        if n not in ("sign_in", "sign_up", "account_update"):
            out.append((n, "heartcombo/devise: %s (DEFAULT_PERMITTED_ATTRIBUTES)" % path))
    repo = "tinfoil/devise-two-factor"
    path = "lib/generators/devise_two_factor/devise_two_factor_generator.rb"
    for n in re.findall(r'"([a-z_]+):(?:string|integer|boolean)"', show(repo, path)):
        out.append((n, "tinfoil/devise-two-factor: %s (migration columns)" % path))
    for n in re.findall(r"attr_accessible :([a-z_]+)", show(repo, path)):
        out.append((n, "tinfoil/devise-two-factor: %s (attr_accessible)" % path))
    readme = show(repo, "README.md")
    for n in ("otp_secret", "otp_backup_codes"):
        assert (":" + n) in readme
        out.append((n, "tinfoil/devise-two-factor: README.md (model attributes)"))
    return out


def rails():
    repo = "rails/rails"
    out = []
    path = "activemodel/lib/active_model/secure_password.rb"
    text = show(repo, path)
    schema = re.search(r"# Schema: User\((.*?)\)", text).group(1)
    for n in re.findall(r"([a-z_]+):string", schema):
        out.append((n, "rails/rails: %s (has_secure_password schema example)" % path))
    for n in ("password", "password_confirmation", "password_challenge", "password_reset_token", "recovery_password"):
        assert re.search(r"\b" + n + r"\b", text), n
        out.append((n, "rails/rails: %s (has_secure_password attributes)" % path))
    path = "railties/lib/rails/generators/rails/authentication/authentication_generator.rb"
    for cols in re.findall(r'generate "migration", "Create[A-Za-z]+", "([^"]+)"', show(repo, path)):
        for n in re.findall(r"(?:^|\s)([a-z_]+):", cols):
            out.append((n, "rails/rails: %s (authentication generator columns)" % path))
    path = "actionpack/lib/action_dispatch/http/request.rb"
    text = show(repo, path)
    env = re.search(r"ENV_METHODS = %w\[(.*?)\]", text, re.S).group(1)
    for n in env.split():
        out.append((n, "rails/rails: %s (ENV_METHODS)" % path))
    for n in re.findall(r'get_header\("((?:[A-Z]+[-_])*HTTP_AUTHORIZATION)"\)', text):
        out.append((n, "rails/rails: %s (authorization headers)" % path))
    path = "actionpack/lib/action_dispatch/middleware/remote_ip.rb"
    for n in sorted(set(re.findall(r"\b(HTTP_[A-Z_]+|REMOTE_ADDR)\b", show(repo, path)))):
        out.append((n, "rails/rails: %s (client IP headers)" % path))
    return out


def laravel():
    out = []
    repo = "laravel/laravel"
    path = "database/migrations/0001_01_01_000000_create_users_table.php"
    text = show(repo, path)
    for n in re.findall(r"\$table->[a-zA-Z]+\('([a-z_]+)'", text):
        out.append((n, "laravel/laravel: %s (users, password_reset_tokens, sessions columns)" % path))
    if "rememberToken()" in text:
        out.append(("remember_token", "laravel/laravel: %s (rememberToken())" % path))
    repo = "laravel/framework"
    path = "src/Illuminate/Foundation/Exceptions/Handler.php"
    block = show(repo, path).split("protected $dontFlash = [")[1].split("];")[0]
    for n in re.findall(r"'([a-z_]+)'", block):
        out.append((n, "laravel/framework: %s ($dontFlash)" % path))
    path = "src/Illuminate/Auth/TokenGuard.php"
    for n in re.findall(r"\$inputKey = '([a-z_]+)'", show(repo, path)):
        out.append((n, "laravel/framework: %s (token guard input key)" % path))
    path = "src/Illuminate/Foundation/Http/Middleware/PreventRequestForgery.php"
    text = show(repo, path)
    for n in re.findall(r"input\('([a-z_]+)'\)", text) + re.findall(r"header\('([A-Z-]+)'\)", text):
        out.append((n, "laravel/framework: %s (CSRF token input/headers)" % path))
    repo = "laravel/fortify"
    path = "database/migrations/2014_10_12_200000_add_two_factor_columns_to_users_table.php"
    for n in re.findall(r"\$table->[a-zA-Z]+\('([a-z_]+)'", show(repo, path)):
        out.append((n, "laravel/fortify: %s (two-factor columns)" % path))
    for f in ls(repo, "src/"):
        if not f.endswith(".php"):
            continue
        for n in re.findall(r"\$request->(?:input|filled)\('([a-z_]+)'\)", show(repo, f)):
            out.append((n, "laravel/fortify: %s (request input)" % f))
    return out


def cashier():
    repo = "laravel/cashier-stripe"
    out = []
    for f in ls(repo, "database/migrations/"):
        for n in re.findall(r"\$table->[a-zA-Z]+\('([a-z_]+)'", show(repo, f)):
            out.append((n, "laravel/cashier-stripe: %s (billing columns)" % f))
    f = "database/migrations/2019_05_03_000001_create_customer_columns.php"
    for n in re.findall(r"\$table->[a-zA-Z]+\('([a-z_]+)'", show(repo, f, CASHIER_OLD)):
        out.append((n, "laravel/cashier-stripe: %s @ %s (billing columns before v13)" % (f, CASHIER_OLD[:8])))
    return out


def django():
    return [(n, "django/django: " + part) for n, part in TRANSCRIBED["django"]]


def doorkeeper():
    repo = "doorkeeper-gem/doorkeeper"
    out = []
    for f in ("migration", "enable_pkce_migration", "enable_resource_indicators_migration",
              "add_owner_to_application_migration"):
        path = "lib/generators/doorkeeper/templates/%s.rb.erb" % f
        text = show(repo, path)
        for n in re.findall(r"t\.[a-z]+\s+:([a-z_]+)", text) + re.findall(r"add_column :[a-z_]+, :([a-z_]+)", text):
            out.append((n, "doorkeeper-gem/doorkeeper: %s (OAuth tables)" % path))
    return out


def oauthlib():
    repo = "oauthlib/oauthlib"
    out = []
    path = "oauthlib/common.py"
    block = show(repo, path).split("self._params = {")[1].split("}")[0]
    for n in re.findall(r'"([a-z_]+)": None', block):
        out.append((n, "oauthlib/oauthlib: %s (Request parameters)" % path))
    path = "oauthlib/oauth2/rfc6749/tokens.py"
    text = show(repo, path)
    for n in re.findall(r"'([a-z_]+)': ", text.split("def create_token")[1].split("return")[0]):
        out.append((n, "oauthlib/oauthlib: %s (BearerToken.create_token)" % path))
    for n in re.findall(r"token\['([a-z_]+)'\]", text):
        out.append((n, "oauthlib/oauthlib: %s (BearerToken.create_token)" % path))
    path = "oauthlib/openid/connect/core/grant_types/base.py"
    for n in re.findall(r"token\['([a-z_]+)'\]", show(repo, path)):
        out.append((n, "oauthlib/oauthlib: %s (OpenID Connect token response)" % path))
    for f in sorted(p for p in ls(repo, "oauthlib/oauth1/") if p.endswith(".py")):
        for n in re.findall(r"'(oauth_[a-z_]+)'", show(repo, f)):
            out.append((n, "oauthlib/oauthlib: %s (OAuth 1 protocol parameters)" % f))
    return out


def auth0():
    repo = "auth0/node-auth0"
    out = []
    types = show(repo, "src/management/api/types/types.ts")
    for s in ("GetUserResponseContent", "UserIdentitySchema", "UserProfileData"):
        for n in interface_props(types, s, indent=4):
            out.append((n, "auth0/node-auth0: src/management/api/types/types.ts (%s)" % s))
    reqs = show(repo, "src/management/api/requests/requests.ts")
    for s in ("CreateUserRequestContent", "UpdateUserRequestContent"):
        for n in interface_props(reqs, s, indent=4):
            out.append((n, "auth0/node-auth0: src/management/api/requests/requests.ts (%s)" % s))
    for f in ("oauth", "database", "passwordless"):
        path = "src/auth/%s.ts" % f
        text = strip_comments_js(show(repo, path))
        for m in re.finditer(r"export interface (\w+)[^{]*\{(.*?)\n\}", text, re.S):
            if m.group(1).endswith("Options"):
                continue
            for n in re.findall(r"(?m)^\s+([A-Za-z_][A-Za-z0-9_]*)\??:", m.group(2)):
                out.append((n, "auth0/node-auth0: %s (%s)" % (path, m.group(1))))
    return out


def firebase():
    repo = "firebase/firebase-admin-node"
    out = []
    path = "src/auth/user-record.ts"
    text = strip_comments_js(show(repo, path))
    names = re.findall(r"(?m)^\s+([A-Za-z_][A-Za-z0-9_]*)\??: [A-Za-z{\[]", text)
    names += re.findall(r"(?m)^\s+([A-Za-z_][A-Za-z0-9_]*): this\.", text)
    names += re.findall(r"public readonly ([A-Za-z_][A-Za-z0-9_]*)", text)
    for n in names:
        out.append((n, "firebase/firebase-admin-node: %s (UserRecord and related types)" % path))
    path = "src/auth/auth-config.ts"
    text = show(repo, path)
    for s in ("UpdateRequest", "CreateRequest"):
        for n in interface_props(text, s, indent=2):
            out.append((n, "firebase/firebase-admin-node: %s (%s)" % (path, s)))
    return out


SUPABASE_TYPES = ["Session", "AMREntry", "UserIdentity", "Factor", "User", "UserAttributes", "AdminUserAttributes",
                  "SignUpWithPasswordCredentials", "SignInWithPasswordCredentials", "SignInWithIdTokenCredentials",
                  "VerifyMobileOtpParams", "VerifyEmailOtpParams", "VerifyTokenHashParams", "GenerateLinkProperties",
                  "MFAVerifyTOTPParams", "MFAVerifyPhoneParams", "AuthMFAEnrollTOTPResponse", "JwtPayload",
                  "RequiredClaims"]


def supabase():
    repo = "supabase/auth-js"
    path = "src/lib/types.ts"
    text = show(repo, path)
    out = []
    for s in SUPABASE_TYPES:
        m = re.search(r"(?m)^export (?:interface|type) " + s + r"\b[^\n]*$", text)
        start = m.start()
        ends = [e for e in (text.find("\n}\n", start), text.find("\n\nexport", start)) if e > 0]
        block = strip_comments_js(text[start:min(ends)])
        for n in re.findall(r"(?m)^\s+([A-Za-z_][A-Za-z0-9_]*)\??:", block):
            out.append((n, "supabase/auth-js: %s (%s)" % (path, s)))
    return out


def request_ip():
    repo = "pbojinov/request-ip"
    path = "src/index.js"
    text = show(repo, path)
    out = []
    for n in re.findall(r"req\.headers\['([a-z0-9-]+)'\]", text) + re.findall(r"req\.headers\.([a-z]+)\b", text):
        out.append((n, "pbojinov/request-ip: %s (client IP headers)" % path))
    for n in re.findall(r"\.(remoteAddress|sourceIp)\b", text):
        out.append((n, "pbojinov/request-ip: %s (socket/request context fields)" % path))
    for n in re.findall(r"attributeName = '([A-Za-z]+)'|attributeName \|\| '([A-Za-z]+)'", text):
        out.append(([x for x in n if x][0], "pbojinov/request-ip: %s (request attribute)" % path))
    return out


# --------------------------------------------------------------------------------------------
# Names transcribed from stored file text (sources that could not be fetched as repositories)

TRANSCRIBED = {
    # Customer.io Track API (OpenAPI): identify body, add-device body, track-event body, and the
    # customer `timestamps` object. The spec is published on docs.customer.io.
    "customerio-track-api": [(n, "identify request body") for n in (
        "id", "email", "created_at", "anonymous_id", "_update", "unsubscribed", "cio_subscription_preferences",
        "topics", "cio_relationships", "relationship_attributes", "identifiers", "relationships", "object_id",
        "object_type_id", "cio_object_id", "_timestamp", "action")]
    + [(n, "add device request body") for n in (
        "device", "platform", "last_used", "attributes", "device_os", "device_model", "app_version",
        "cio_sdk_version", "device_locale", "push_enabled", "_last_status")]
    + [(n, "track event request body") for n in ("name", "type", "data", "timestamp", "recipient", "from_address",
                                                 "reply_to")]
    + [(n, "customer attribute timestamps") for n in ("_last_emailed", "_cio_subscription_preferences_computed")],
    # mdn/content autocomplete page: tokens it lists that the 2019 W3C table lacks.
    "mdn-autocomplete": [("one-time-code", "Values: one-time-code")],
    # django/django, read through the code index (the repository snapshot is over the size limit).
    "django": [(n, "django/contrib/auth/forms.py (UserCreationForm, AdminPasswordChangeForm)")
               for n in ("password1", "password2")]
    + [(n, "django/contrib/auth/forms.py (SetPasswordForm, PasswordChangeForm)")
       for n in ("new_password1", "new_password2", "old_password")]
    + [(n, "django/contrib/auth/forms.py (AuthenticationForm, PasswordResetForm)")
       for n in ("username", "password", "email")]
    + [(n, "django/contrib/auth/base_user.py (AbstractBaseUser)") for n in ("password", "last_login")]
    + [(n, "django/contrib/auth/models.py (User)") for n in (
        "first_name", "last_name", "is_staff", "is_active", "is_superuser", "date_joined", "groups",
        "user_permissions")]
    + [(n, "django/contrib/sessions/base_session.py (AbstractBaseSession)")
       for n in ("session_key", "session_data", "expire_date")],
}

SOURCES = [
    ("Customer.io", customerio),
    ("Segment spec", segment),
    ("schema.org", schemaorg),
    ("HTML autofill", autofill),
    ("Faker (Python)", faker_py),
    ("Faker (JS)", fakerjs),
    ("Stripe", stripe),
    ("Shopify", shopify),
    ("Braintree", braintree),
    ("ActiveMerchant", activemerchant),
    ("Plaid", plaid),
    ("Checkr", checkr),
    ("Devise", devise),
    ("Rails", rails),
    ("Laravel", laravel),
    ("Laravel Cashier", cashier),
    ("Django", django),
    ("Doorkeeper", doorkeeper),
    ("oauthlib", oauthlib),
    ("Auth0", auth0),
    ("Firebase Auth", firebase),
    ("Supabase Auth", supabase),
    ("request-ip", request_ip),
]


def main():
    global MIRRORS
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", default=MIRRORS)
    ap.add_argument("--out")
    args = ap.parse_args()
    MIRRORS = args.mirrors
    seen = {}
    rows = []
    for group, fn in SOURCES:
        for name, source in fn():
            if name in seen:
                continue
            seen[name] = True
            rows.append({"name": name, "source": source, "group": group})
    text = json.dumps(rows, indent=0, ensure_ascii=False)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    print("%d names" % len(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
