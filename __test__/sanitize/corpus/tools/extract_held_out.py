#!/usr/bin/env python3
"""Extract attribute/field names for the HELD-OUT field-name corpus (held-out.json).

The held-out corpus measures the PII classifier out of sample, so it uses none of the sources of
field-names.json (see ../HELD-OUT.md). It runs offline against git snapshots of the public
repositories in COMMITS (one bare git directory per repository; by default
/work/.mirror/<owner>+<name>/repo, change with --mirrors or CORPUS_MIRRORS). Nothing is
downloaded. The sources that could not be brought here as repositories (Magento, WooCommerce,
OpenEMR, Braze docs and WordPress are over the snapshot size limit; Keycloak's admin client moved
into the main repository; Mastodon was only needed for one file) were read through the code index;
the names taken from them are listed literally in TRANSCRIBED below, each with its path and commit.
The Gusto spec is YAML and needs PyYAML.

Output: a JSON list of {"name", "source"} in source order (the first source wins on exact
duplicates), written to stdout or --out. Labelling is a separate step (label_held_out.py).

Usage:
  python3 extract_held_out.py --out /tmp/held-out-names.json
"""

import argparse
import json
import os
import re
import subprocess
import sys

MIRRORS = os.environ.get("CORPUS_MIRRORS", "/work/.mirror")

# Snapshot HEADs used for the extraction.
COMMITS = {
    "Adyen/adyen-openapi": "aa014f0cbdb58ff5c44a2ff9d5fe734642210aff",
    "paypal/paypal-rest-api-specifications": "ec4d8f36a6ab0abcc3865e1072aaddc85ea14d5c",
    "square/square-nodejs-sdk": "c58c6e097af6717e5c728712f79f89f6cd9da12f",
    "mollie/mollie-api-node": "bddef14a0a04fd306ccbddd7d4d4063a5ce85002",
    "razorpay/razorpay-node": "9737ef17342b8a551f7af2413c8d24df559accc8",
    "Gusto/gusto-typescript-client": "1fa8f82cfc47d70873cf22d57b14691e29879b2f",
    "okta/okta-sdk-nodejs": "92560f9364728c0ef37017c593ec3282cffa1f65",
    "ory/kratos": "b86338da04a040247a07f46100a86dcfb3875909",
    "clerk/javascript": "e21ae9a4cf189ed20cb04bee94497533cd9d4dbe",
    "intercom/intercom-node": "86d57815b702f461daf32aaebe665224a64a0a1b",
    "klaviyo/klaviyo-api-node": "7418e43abc0ff53caf77fb1c5ced3c50e68e2d37",
    "jsforce/jsforce": "e744dad915492226c7838a9513697ed75b7ff998",
    "rudderlabs/rudder-transformer": "c98d160cfaddc5fe5ddee7891c4f4a23014b9aa8",
    "mixpanel/docs": "ba229069b07d3fe952930a12e38d4328a22c7f29",
    "Ahryman40k/typescript-fhir-types": "7f70bda56c8c56a03cdf1c6d1ba1bf6b228c27ae",
    "CyberSource/cybersource-rest-client-node": "5917a31001bcb4ecf95f1affa75f968ff9e1c5b2",
    "AuthorizeNet/sdk-node": "8db0c070f2086cd5cee7e3f383e063c4c59f5b7a",
    "onfido/onfido-node": "2b9faecc1ac81d1a625d4ddb86f8e7795668a181",
    "PostHog/posthog-js": "9b2a1b18db64f9f6b331cbded543c5ead3ccf0cb",
}


def gitdir(repo):
    return os.path.join(MIRRORS, repo.replace("/", "+"), "repo")


def show(repo, path):
    out = subprocess.run(["git", "--git-dir=" + gitdir(repo), "show", COMMITS[repo] + ":" + path],
                         capture_output=True, check=True)
    return out.stdout.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def ls(repo, prefix=""):
    out = subprocess.run(["git", "--git-dir=" + gitdir(repo), "ls-tree", "-r", "--name-only", COMMITS[repo], "--",
                          prefix], capture_output=True, text=True, check=True)
    return [p for p in out.stdout.split("\n") if p]


# --------------------------------------------------------------------------------------------
# Helpers


def plain(name):
    """Keep only names that are one key (no dotted paths, brackets, spaces or templates)."""
    return bool(re.fullmatch(r"[$]?[A-Za-z_][A-Za-z0-9_\-]*", name))


class OpenAPI:
    def __init__(self, text, yaml_text=False):
        if yaml_text:
            import yaml  # only for the Gusto spec

            self.d = yaml.load(text, Loader=yaml.BaseLoader)
        else:
            self.d = json.loads(text)
        self.s = self.d.get("components", {}).get("schemas") or self.d.get("definitions") or {}

    def props(self, name, deep=False):
        """Property names of a schema (following $ref and allOf); deep=True also takes the
        properties of inline nested objects (leaf names of nested fields)."""
        out = []
        seen = set()

        def walk(s, top):
            if not isinstance(s, dict):
                return
            if "$ref" in s:
                ref = s["$ref"].split("/")[-1]
                if top and ref not in seen:
                    seen.add(ref)
                    walk(self.s[ref], top)
                return
            for x in s.get("allOf", []):
                walk(x, top)
            for k, v in (s.get("properties") or {}).items():
                out.append(k)
                if deep:
                    walk(v, False)
                    walk(v.get("items", {}) if isinstance(v, dict) else {}, False)

        walk(self.s[name], True)
        return out


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"(?m)(^|\s)//[^\n]*", r"\1", text)


def block(text, start_re):
    """The body between the braces that follow the first match of start_re."""
    m = re.search(start_re, text, re.M)
    if not m:
        raise KeyError(start_re)
    i = text.index("{", m.end() - 1)
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1:j]
    raise ValueError(start_re)


KEY_RE = re.compile(r"(?m)^\s*(?:readonly\s+)?['\"]?([$A-Za-z_][A-Za-z0-9_$\-]*)['\"]?\??\s*:")


def ts_keys(body):
    """Keys of a TypeScript object type body, at any nesting depth (leaf names)."""
    return KEY_RE.findall(strip_comments(body))


def ts_interface(text, name):
    return ts_keys(block(text, r"^\s*(?:export\s+)?(?:declare\s+)?(?:interface|type)\s+" + re.escape(name) + r"\b[^{]*\{"))


# --------------------------------------------------------------------------------------------
# Payments


ADYEN = [
    ("json/CheckoutService-v71.json",
     "Address BillingAddress DeliveryAddress Name ShopperName Phone PaymentRequest AccountInfo AchDetails "
     "BacsDirectDebitDetails SepaDirectDebitDetails DirectDebitAuDetails EftDetails CardDetails "
     "CheckoutForwardRequestCard PaymentMethodToStore CheckoutBankAccount CheckoutBankTransferAction Company FundOrigin "
     "FundRecipient ShopperTaxInfo StoredPaymentMethod StoredPaymentMethodResource SubMerchantInfo BrowserInfo "
     "PaymentCompletionDetails ThreeDS2RequestData ThreeDSecureData ResponseAdditionalDataCard "
     "ResponseAdditionalDataCommon ResponseAdditionalData3DSecure PayUUpiDetails UpiCollectDetails PseDetails "
     "BlikDetails CashAppDetails PayPalDetails EcontextVoucherDetails MbwayDetails Passenger "
     "PaymentValidationsNameResultRawResponse CheckoutVoucherAction"),
    ("json/LegalEntityService-v3.json",
     "Address Individual IdentificationData BirthData Name PhoneNumber Organization SoleProprietorship TaxInformation "
     "BankAccountInfo AULocalAccountIdentification CALocalAccountIdentification CZLocalAccountIdentification "
     "DKLocalAccountIdentification HKLocalAccountIdentification HULocalAccountIdentification IbanAccountIdentification "
     "NOLocalAccountIdentification NZLocalAccountIdentification NumberAndBicAccountIdentification "
     "PLLocalAccountIdentification SELocalAccountIdentification SGLocalAccountIdentification "
     "UKLocalAccountIdentification USLocalAccountIdentification AcceptTermsOfServiceRequest "
     "TransferInstrumentReference WebData Document AdditionalBankIdentification"),
    ("json/BalancePlatformService-v2.json",
     "Card CardInfo DeliveryContact DeliveryAddress BulkAddress ContactDetails PhoneNumber PhoneInfo Authentication "
     "BankAccountDetails BRLocalAccountIdentification PaymentInstrumentRevealInfo CardOrderItem"),
    ("json/PaymentService-v68.json", "Card BankAccount"),
]


def adyen():
    out = []
    for path, names in ADYEN:
        spec = OpenAPI(show("Adyen/adyen-openapi", path))
        for sch in names.split():
            for n in spec.props(sch):
                out.append((n, "Adyen/adyen-openapi: %s (schema %s)" % (path, sch)))
    return out


PAYPAL = [
    ("openapi/checkout_orders_v2.json",
     "name phone phone_with_type tax_info address_portable payer customer card card_response card_from_request "
     "bin_details paypal_wallet paypal_wallet_response venmo_wallet_response bancontact ideal blik p24 "
     "apple_pay_request apple_pay_decrypted_token_data card_stored_credential shipping_detail"),
    ("openapi/customer_partner_referrals_v2.json",
     "person birth_details document person_document person_phone_detail person_address_detail individual_owner "
     "business business_incorporation business_name email bank identifier billing_agreement"),
    ("openapi/vault_payment_tokens_v3.json", "card card_response payment_token_response"),
    ("openapi/invoicing_v2.json", "contact_name_address billing_info phone_detail search_data"),
]


def paypal():
    out = []
    for path, names in PAYPAL:
        spec = OpenAPI(show("paypal/paypal-rest-api-specifications", path))
        for sch in names.split():
            # deep: PayPal nests some objects inline (address_details: street_number, street_name ...)
            for n in spec.props(sch, deep=True):
                out.append((n, "paypal/paypal-rest-api-specifications: %s (schema %s)" % (path, sch)))
    return out


SQUARE = ("Address Customer Card BankAccount AchDetails CardPaymentDetails Payment TeamMember Vendor VendorContact "
          "BankAccountPaymentDetails DigitalWalletDetails CashAppDetails Employee CustomerDetails Refund")


def square():
    out = []
    for t in SQUARE.split():
        path = "src/serialization/types/%s.ts" % t
        text = show("square/square-nodejs-sdk", path)
        # The wire (JSON) names are in the Raw interface.
        for n in ts_keys(block(text, r"export interface Raw\s*\{")):
            out.append((n, "square/square-nodejs-sdk: %s (Raw wire names)" % path))
    return out


MOLLIE = [
    ("src/data/global.ts", "Address"),
    ("src/data/payments/data.ts", "PaymentData BancontactDetails BankTransferDetails BelfiusPayButtonDetails "
     "CreditCardDetails GiftCardDetails IdealDetails KbcCbcPaymentButtonDetails PayPalDetails PaysafecardDetails "
     "PointOfSaleDetails SepaDirectDebitDetails"),
    ("src/data/customers/mandates/data.ts", "MandateData MandateDetailsDirectDebit MandateDetailsCreditCard"),
    ("src/data/profiles/data.ts", "ProfileData"),
    ("src/data/orders/data.ts", "OrderData OrderAddress"),
    ("src/data/customers/Customer.ts", "CustomerData"),
]


def mollie():
    out = []
    for path, names in MOLLIE:
        text = show("mollie/mollie-api-node", path)
        for t in names.split():
            for n in ts_interface(text, t):
                out.append((n, "mollie/mollie-api-node: %s (interface %s)" % (path, t)))
    return out


RAZORPAY = "customers fundAccount payments cards tokens stakeholders accounts virtualAccounts"


def razorpay():
    out = []
    for f in RAZORPAY.split():
        path = "lib/types/%s.d.ts" % f
        for n in ts_keys(show("razorpay/razorpay-node", path)):
            out.append((n, "razorpay/razorpay-node: %s (request/response types)" % path))
    return out


CYBERSOURCE = ("Ptsv2paymentsPaymentInformationCard Ptsv2paymentsPaymentInformationBank "
               "Ptsv2paymentsPaymentInformationBankAccount Ptsv2paymentsPaymentInformationTokenizedCard "
               "Ptsv2paymentsPaymentInformationFluidData Ptsv2paymentsOrderInformationBillTo "
               "Ptsv2paymentsOrderInformationShipTo Ptsv2paymentsBuyerInformation "
               "Ptsv2paymentsBuyerInformationPersonalIdentification Ptsv2paymentsDeviceInformation "
               "Ptsv2paymentsTokenInformation Ptsv2paymentsPointOfSaleInformation Ptsv2paymentsPointOfSaleInformationEmv "
               "Ptsv2paymentsRecipientInformation Ptsv2paymentsSenderInformation "
               "Ptsv2paymentsConsumerAuthenticationInformation Ptsv2paymentsRiskInformationBuyerHistory")


def cybersource():
    out = []
    for m in CYBERSOURCE.split():
        path = "src/model/%s.js" % m
        text = show("CyberSource/cybersource-rest-client-node", path)
        # constructFromObject copies each wire property: data.hasOwnProperty('name')
        for n in re.findall(r"data\.hasOwnProperty\('([A-Za-z0-9_]+)'\)", text):
            out.append((n, "CyberSource/cybersource-rest-client-node: %s (model %s)" % (path, m)))
    return out


AUTHNET = ("CreditCardSimpleType CreditCardType CreditCardTrackType CreditCardMaskedType BankAccountType "
           "BankAccountMaskedType DriversLicenseType DriversLicenseMaskedType CustomerType CustomerDataType "
           "NameAndAddressType CustomerAddressType EncryptedTrackDataType OpaqueDataType MerchantAuthenticationType "
           "FingerPrintType ImpersonationAuthenticationType PayPalType PaymentEmvType PaymentType TransactionRequestType "
           "CustomerProfileBaseType")


def authnet():
    path = "lib/apicontracts.js"
    text = show("AuthorizeNet/sdk-node", path)
    out = []
    for c in AUTHNET.split():
        m = re.search(r"^class " + c + r"\b.*?^module\.exports\." + c + r" ", text, re.S | re.M)
        # constructor copies each wire property: if(('name' in obj) ...
        for n in re.findall(r"if\(\('([A-Za-z0-9_]+)' in obj\)", m.group(0)):
            out.append((n, "AuthorizeNet/sdk-node: %s (class %s)" % (path, c)))
    return out


# --------------------------------------------------------------------------------------------
# Identity verification

ONFIDO = ("Applicant Address IdNumber Location Document DocumentProperties DocumentPropertiesAddressLines "
          "DocumentPropertiesBarcodeInner DocumentPropertiesDocumentNumbersInner DocumentPropertiesExtractedData "
          "DocumentPropertiesNfc")


def onfido():
    path = "api.ts"
    text = show("onfido/onfido-node", path)
    out = []
    for t in ONFIDO.split():
        for n in ts_interface(text, t):
            out.append((n, "onfido/onfido-node: %s (interface %s)" % (path, t)))
    return out


# --------------------------------------------------------------------------------------------
# HR / payroll


GUSTO = ("Employee Employee-Address Employee-Home-Address Employee-Work-Address Historical-Employee-Body Contractor "
         "Contractor-Body Company Company-Address Company-Location-Request Signatory Signatory-Create-Request "
         "Employee-Bank-Account Contractor-Bank-Account Company-Bank-Account Company-Bank-Account-Request "
         "Company-Bank-Account-Verify-Request Payment-Method-Bank-Account I9-Authorization I9-Authorization-Request-Body "
         "I9-Authorization-Employer-Sign-Request-Body Federal-Tax-Details Employee-Federal-Tax-Rev2020 "
         "Employee-Federal-Tax-Pre2020 Employee-Pay-Stub")


def gusto():
    path = ".speakeasy/logs/changes/new.openapi.yaml"
    spec = OpenAPI(show("Gusto/gusto-typescript-client", path), yaml_text=True)
    out = []
    for sch in GUSTO.split():
        for n in spec.props(sch):
            out.append((n, "Gusto/gusto-typescript-client: %s (schema %s)" % (path, sch)))
    return out


# --------------------------------------------------------------------------------------------
# Identity providers


OKTA = ("UserProfile User UserCredentials PasswordCredential PasswordCredentialHash RecoveryQuestionCredential "
        "UserFactorSMSProfile UserFactorCallProfile UserFactorSecurityQuestionProfile UserFactorTokenProfile "
        "UserFactorTokenHOTPProfile UserFactorPushProfile UserFactorEmailProfile UserFactorWebAuthnProfile "
        "UserFactorU2FProfile ChangePasswordRequest ResetPasswordToken UserActivationToken TempPassword "
        "AppUserCredentials OAuthCredentialsClient IDVCredentialsBearer CustomTelephonyProviderCredentialCreateRequest "
        "CreateSessionRequest TokenResponse CaepSessionRevokedEvent OktaIpChangeEvent LogClient LogRequest "
        "TelephonyRequestDataMessageProfile IdentitySourceUserProfileForUpsert Session Sms Call Email Token "
        "TokenHardware TokenHotp TokenSoftwareTotp")


def okta():
    out = []
    for m in OKTA.split():
        path = "src/types/generated/models/%s.d.ts" % m
        text = show("okta/okta-sdk-nodejs", path)
        body = block(text, r"export declare class " + m + r"\b[^{]*\{")
        # instance properties only (not the static attributeTypeMap metadata)
        body = re.sub(r"static [^;]*;", "", body, flags=re.S)
        for n in re.findall(r"(?m)^\s*'([A-Za-z_][A-Za-z0-9_]*)'\??:", body):
            out.append((n, "okta/okta-sdk-nodejs: %s (model %s)" % (path, m)))
    return out


KRATOS_SCHEMAS = (
    "identity createIdentityBody identityCredentials identityCredentialsCodeAddress identityCredentialsLookupSecretCode "
    "identityCredentialsOidcProvider identityCredentialsPassword identityCredentialsWebAuthn "
    "identityWithCredentialsPasswordConfig identityWithCredentialsTotpConfig identityWithCredentialsPasskeyConfig "
    "recoveryCodeForIdentity recoveryLinkForIdentity session sessionDevice sessionAuthenticationMethod "
    "successfulNativeLogin continueWithSetOrySessionToken updateLoginFlowWithCodeMethod "
    "updateLoginFlowWithLookupSecretMethod updateLoginFlowWithOidcMethod updateLoginFlowWithPasskeyMethod "
    "updateLoginFlowWithPasswordMethod updateLoginFlowWithTotpMethod updateLoginFlowWithWebAuthnMethod "
    "updateRecoveryFlowWithCodeMethod updateRegistrationFlowWithPasswordMethod updateRegistrationFlowWithPasskeyMethod "
    "updateRegistrationFlowWithWebAuthnMethod updateSettingsFlowWithLookupMethod updateSettingsFlowWithPasswordMethod "
    "updateSettingsFlowWithTotpMethod updateSettingsFlowWithWebAuthnMethod updateVerificationFlowWithCodeMethod")
KRATOS_TRAITS = ["contrib/quickstart/kratos/all-strategies/identity.schema.json",
                 "contrib/quickstart/kratos/phone-password/identity.schema.json"]


def kratos():
    out = []
    spec = OpenAPI(show("ory/kratos", "spec/api.json"))
    for sch in KRATOS_SCHEMAS.split():
        for n in spec.props(sch):
            out.append((n, "ory/kratos: spec/api.json (schema %s)" % sch))
    for path in KRATOS_TRAITS:
        d = json.loads(show("ory/kratos", path))

        def walk(o):
            if isinstance(o, dict):
                for k, v in (o.get("properties") or {}).items():
                    out.append((k, "ory/kratos: %s (identity traits)" % path))
                    walk(v)

        walk(d["properties"]["traits"])
    return out


CLERK = ("UserJSON EmailAddressJSON PhoneNumberJSON ExternalAccountJSON SessionJSON SessionActivityJSON "
         "SignInTokenJSON SignUpJSON VerificationJSON ActorTokenJSON OauthAccessTokenJSON SMSMessageJSON EmailJSON "
         "InvitationJSON TestingTokenJSON APIKeyJSON MachineSecretKeyJSON IdPOAuthAccessTokenJSON BillingPayerJSON "
         "WaitlistEntryJSON TokenJSON CookiesJSON ClientJSON")


def clerk():
    path = "packages/backend/src/api/resources/JSON.ts"
    text = show("clerk/javascript", path)
    out = []
    for t in CLERK.split():
        for n in ts_interface(text, t):
            out.append((n, "clerk/javascript: %s (interface %s)" % (path, t)))
    return out


# --------------------------------------------------------------------------------------------
# CRM and marketing


INTERCOM = [
    ("src/api/resources/contacts/types/Contact.ts", "Contact"),
    ("src/api/types/ContactLocation.ts", "ContactLocation"),
    ("src/api/types/ContactSocialProfiles.ts", None),
    ("src/api/types/Visitor.ts", "Visitor"),
    ("src/api/types/CreateContactRequest.ts", None),
    ("src/api/resources/admins/types/Admin.ts", "Admin"),
]


def intercom():
    out = []
    for path, t in INTERCOM:
        text = show("intercom/intercom-node", path)
        keys = ts_interface(text, t) if t else ts_keys(text)
        for n in keys:
            out.append((n, "intercom/intercom-node: %s (type %s)" % (path, t or "properties")))
    return out


KLAVIYO = ("profileCreateQueryResourceObjectAttributes profileResponseObjectResourceExtendedAttributes profileLocation "
           "profileMeta subscriptions emailChannel sMSChannel emailMarketing sMSMarketing sMSTransactional "
           "predictiveAnalytics pushTokenCreateQueryResourceObjectAttributes emailSubscriptionParameters "
           "sMSSubscriptionParameters")


def klaviyo():
    out = []
    for m in KLAVIYO.split():
        path = "model/%s.ts" % m
        for n in re.findall(r'"baseName": "([^"]+)"', show("klaviyo/klaviyo-api-node", path)):
            out.append((n, "klaviyo/klaviyo-api-node: %s (attributeTypeMap wire names)" % path))
    return out


SALESFORCE = "Account Contact Lead User Individual Case AuthSession LoginGeo LoginIp OauthToken ExternalDataUserAuth AuthProvider"


def salesforce():
    path = "src/types/standard-schema.ts"
    text = show("jsforce/jsforce", path)
    out = []
    for t in SALESFORCE.split():
        body = re.search(r"^type Fields\$" + t + r" = \{(.*?)^\};", text, re.S | re.M).group(1)
        for n in re.findall(r"(?m)^  ([A-Za-z_0-9]+)\??:", body):
            # Salesforce User: hundreds of UI preference/permission switches. Only the field-visibility
            # preferences (which name a personal field) are kept.
            if re.match(r"UserPreferences|UserPermissions", n) and not re.match(r"UserPreferencesShow", n):
                continue
            out.append((n, "jsforce/jsforce: %s (Salesforce %s standard fields)" % (path, t)))
    return out


# The destination mapping configs that carry person data: identify/user/contact/profile-like configs and
# the conversion/context/device/sign-up/order configs (event configs for products, pages, etc. left out).
RUDDER_FILE = re.compile(r"src/(v0|cdk/v2)/destinations/[^/]+/data/[^/]*"
                         r"(identify|user|contact|person|lead|profile|customer|trait|attribute|conversion|common|"
                         r"context|device|signup|register|login|checkout|order)[^/]*\.json$", re.I)


def rudder():
    out = []
    for path in ls("rudderlabs/rudder-transformer", "src"):
        if not RUDDER_FILE.search(path):
            continue
        try:
            d = json.loads(show("rudderlabs/rudder-transformer", path))
        except ValueError:
            continue
        if not isinstance(d, list):
            continue
        dest = path.split("/destinations/")[1].split("/")[0]
        for e in d:
            if not isinstance(e, dict) or "destKey" not in e:
                continue
            dks = e["destKey"] if isinstance(e["destKey"], list) else [e["destKey"]]
            for dk in dks:
                leaf = dk.split(".")[-1]
                out.append((leaf, "rudderlabs/rudder-transformer: %s (%s destKey)" % (path, dest)))
    return out


MIXPANEL = ["docs/data-structure/property-reference/reserved-properties.mdx",
            "docs/data-structure/property-reference/default-properties.mdx"]


def mixpanel():
    out = []
    for path in MIXPANEL:
        for line in show("mixpanel/docs", path).split("\n"):
            if not line.startswith("| ") or line.startswith("| **") or line.startswith("| ---"):
                continue
            cell = line.split("|")[1]
            cell = cell.replace("\\$", "$").replace("\\_", "_")
            for part in re.split(r"<br\s*/>|,| / ", cell):
                part = part.strip()
                if plain(part):
                    out.append((part, "mixpanel/docs: %s (property tables, raw names)" % path))
    return out


def posthog():
    path = "packages/node/src/extensions/express.ts"
    text = show("PostHog/posthog-js", path)
    return [(n, "PostHog/posthog-js: %s (request-context event properties)" % path)
            for n in re.findall(r"addProperty\(\s*properties,\s*'([^']+)'", text)]


# --------------------------------------------------------------------------------------------
# Health (FHIR R4)


FHIR = ("Patient Patient_Contact Patient_Communication Patient_Link Address ContactPoint HumanName Identifier Person "
        "Practitioner Practitioner_Qualification RelatedPerson Coverage")


def fhir():
    out = []
    for t in FHIR.split():
        path = "src/R4/Resource/RTTI_%s.ts" % t
        text = show("Ahryman40k/typescript-fhir-types", path)
        for n in ts_interface(text, "I" + t):
            if n.startswith("_"):  # primitive-extension shadows (_birthDate ...)
                continue
            out.append((n, "Ahryman40k/typescript-fhir-types: %s (FHIR R4 I%s)" % (path, t)))
    return out


# --------------------------------------------------------------------------------------------
# Read through the code index (snapshots over the size limit); transcribed literally.

TRANSCRIBED = {
    "magento": [
        ("entity_id website_id email group_id increment_id store_id created_at updated_at is_active "
         "disable_auto_group_change created_in prefix firstname middlename lastname suffix dob password_hash rp_token "
         "rp_token_created_at default_billing default_shipping taxvat confirmation gender failures_num first_failure "
         "lock_expires session_cutoff",
         "magento/magento2: app/code/Magento/Customer/etc/db_schema.xml @05da4bc (table customer_entity)"),
        ("parent_id city company country_id fax postcode region region_id street telephone vat_id vat_is_valid "
         "vat_request_date vat_request_id vat_request_success",
         "magento/magento2: app/code/Magento/Customer/etc/db_schema.xml @05da4bc (table customer_address_entity)"),
        ("coupon_code protect_code customer_id customer_is_guest customer_note_notify billing_address_id "
         "customer_group_id shipping_address_id customer_dob customer_email customer_firstname customer_lastname "
         "customer_middlename customer_prefix customer_suffix customer_taxvat ext_customer_id ext_order_id remote_ip "
         "shipping_method store_name x_forwarded_for customer_note customer_gender",
         "magento/magento2: app/code/Magento/Sales/etc/db_schema.xml @0435408 (table sales_order, customer and "
         "request columns)"),
        ("shipping_name billing_name billing_address shipping_address shipping_information customer_group "
         "customer_name payment_method",
         "magento/magento2: app/code/Magento/Sales/etc/db_schema.xml @0435408 (table sales_order_grid)"),
        ("customer_address_id quote_address_id address_type",
         "magento/magento2: app/code/Magento/Sales/etc/db_schema.xml @0435408 (table sales_order_address)"),
        ("quote_payment_id additional_data cc_exp_month cc_ss_start_year echeck_bank_name method cc_secure_verify "
         "protection_eligibility cc_approval cc_last_4 cc_status_description echeck_type cc_ss_start_month "
         "echeck_account_type last_trans_id cc_cid_status cc_owner cc_type po_number cc_exp_year cc_status "
         "echeck_routing_number account_status cc_ss_issue echeck_account_name cc_avs_status cc_number_enc "
         "cc_trans_id address_status additional_information",
         "magento/magento2: app/code/Magento/Sales/etc/db_schema.xml @0435408 (table sales_order_payment)"),
        ("cc_cid_enc cc_ss_owner",
         "magento/magento2: app/code/Magento/Quote/etc/db_schema.xml @025d0de (table quote_payment)"),
    ],
    "woocommerce": [
        ("status currency date_created date_modified discount_total shipping_total total_tax prices_include_tax "
         "customer_id customer_ip_address customer_user_agent customer_note billing shipping first_name last_name "
         "company address_1 address_2 city state postcode country email phone payment_method payment_method_title "
         "transaction_id date_paid date_completed cart_hash meta_data",
         "woocommerce/woocommerce: plugins/woocommerce/includes/rest-api/Controllers/Version2/"
         "class-wc-rest-orders-v2-controller.php @01ddd4f (order schema, with billing/shipping properties)"),
    ],
    "openemr": [
        ("title language financial fname lname mname DOB street postal_code city state country_code drivers_license ss "
         "occupation phone_home phone_biz phone_contact phone_cell pharmacy_id status contact_relationship date sex "
         "referrer referrerID providerID email ethnoracial interpretter migrantseasonal family_size monthly_income "
         "homeless financial_review pubpid pid genericname1 genericval1 genericname2 genericval2 hipaa_mail "
         "hipaa_voice hipaa_notice hipaa_message hipaa_allowsms hipaa_allowemail squad fitness referral_source "
         "pricelevel regdate contrastart completed_ad ad_reviewed vfc mothersname guardiansname allow_imm_reg_use "
         "allow_imm_info_share allow_health_info_ex",
         "openemr/openemr: sql/database.sql @000afab (table patient_data)"),
        ("pn_sessid pn_ipaddr pn_firstused pn_lastused pn_uid pn_vars",
         "openemr/openemr: sql/database.sql @000afab (table openemr_session_info)"),
        ("pc_location pc_conttel pc_contname pc_contemail pc_website",
         "openemr/openemr: sql/database.sql @000afab (table openemr_postcalendar_events, contact columns)"),
    ],
    "keycloak": [
        ("id createdTimestamp username enabled totp emailVerified disableableCredentialTypes requiredActions notBefore "
         "access attributes clientConsents clientRoles credentials email federatedIdentities federationLink firstName "
         "groups lastName origin realmRoles self serviceAccountClientId userProfileMetadata",
         "keycloak/keycloak: js/libs/keycloak-admin-client/src/defs/userRepresentation.ts @39aa249 (UserRepresentation)"),
        ("createdDate credentialData id priority secretData temporary type userLabel value",
         "keycloak/keycloak: js/libs/keycloak-admin-client/src/defs/credentialRepresentation.ts @617503a "
         "(CredentialRepresentation)"),
    ],
    "wordpress": [
        ("comment_ID comment_post_ID comment_author comment_author_email comment_author_url comment_author_IP "
         "comment_date comment_date_gmt comment_content comment_karma comment_approved comment_agent comment_type "
         "comment_parent user_id",
         "WordPress/wordpress-develop: src/wp-admin/includes/schema.php @01501ab (table comments)"),
        ("post_password", "WordPress/wordpress-develop: src/wp-admin/includes/schema.php @01501ab (table posts)"),
        ("ID user_login user_pass user_nicename user_email user_url user_registered user_activation_key user_status "
         "display_name spam deleted",
         "WordPress/wordpress-develop: src/wp-admin/includes/schema.php @01501ab (table users)"),
        ("email IP blog_id date_registered",
         "WordPress/wordpress-develop: src/wp-admin/includes/schema.php @01501ab (table registration_log)"),
        ("signup_id user_login user_email registered activated active activation_key meta",
         "WordPress/wordpress-develop: src/wp-admin/includes/schema.php @01501ab (table signups)"),
    ],
    "mastodon": [
        ("id age_verified_at approved chosen_languages confirmation_sent_at confirmation_token confirmed_at "
         "consumed_timestep current_sign_in_at disabled email encrypted_password last_emailed_at last_sign_in_at "
         "locale otp_backup_codes otp_required_for_login otp_secret require_tos_interstitial reset_password_sent_at "
         "reset_password_token settings sign_in_count sign_in_token sign_in_token_sent_at sign_up_ip time_zone "
         "unconfirmed_email created_at updated_at account_id created_by_application_id invite_id role_id webauthn_id",
         "mastodon/mastodon: app/models/user.rb @0002f10 (schema annotation, table users)"),
        ("registration_form_time website confirm_password date_of_birth",
         "mastodon/mastodon: app/models/user.rb @0002f10 (attr_accessor and attributes)"),
    ],
    "braze": [
        ("external_id user_alias braze_id _update_existing_only push_token_import country current_location "
         "date_of_first_session date_of_last_session dob email email_subscribe facebook first_name gender home_city "
         "image_url language last_name marked_email_as_spam_at phone push_subscribe push_tokens time_zone twitter "
         "api_key attributes has_profile_picture alias_name alias_label app_id token device_id",
         "braze-inc/braze-docs: _docs/_api/objects_filters/user_attributes_object.md @030cafd (user attributes "
         "object, profile fields table and example request)"),
    ],
}


def transcribed():
    out = []
    for key, rows in TRANSCRIBED.items():
        for names, source in rows:
            for n in names.split():
                out.append((n, source))
    return out


SOURCES = [
    ("adyen", adyen), ("paypal", paypal), ("square", square), ("mollie", mollie), ("razorpay", razorpay),
    ("cybersource", cybersource), ("authnet", authnet), ("onfido", onfido),
    ("gusto", gusto), ("okta", okta), ("kratos", kratos), ("clerk", clerk), ("intercom", intercom),
    ("klaviyo", klaviyo), ("salesforce", salesforce), ("mixpanel", mixpanel), ("posthog", posthog), ("fhir", fhir),
    ("transcribed", transcribed), ("rudder", rudder),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--mirrors")
    ap.add_argument("--only", help="comma-separated source keys")
    args = ap.parse_args()
    global MIRRORS
    if args.mirrors:
        MIRRORS = args.mirrors
    seen = {}
    rows = []
    counts = {}
    for key, fn in SOURCES:
        if args.only and key not in args.only.split(","):
            continue
        got = fn()
        distinct = set()
        for name, source in got:
            if not plain(name):
                continue
            distinct.add(name)
            if name in seen:
                continue
            seen[name] = source
            rows.append({"name": name, "source": source})
        counts[key] = len(distinct)
    print("distinct names per source: " + json.dumps(counts), file=sys.stderr)
    text = json.dumps(rows, indent=0, ensure_ascii=False)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
