#!/usr/bin/env python3
"""Label the held-out field names and write ../held-out.json.

Input: the JSON written by extract_held_out.py. Names that already appear in ../field-names.json
(exact spelling) are skipped, so the held-out corpus shares no name with the tuning corpus.
Output: ../held-out.json, one object per line, sorted by class, then name case-insensitively,
then exact name (the format of field-names.json).

The labels follow the rules and conventions of README.md ("Labelling rules"). They were decided
from what each field holds in its source, without looking at or running the sanitizer's
classifier. Every non-benign label is an explicit decide() below; benign names with a judgement
call get a note too. Every other name is benign, and the benign list was read through by hand.
pending() is only a safety net: when the extraction is re-run it reports new names whose
spelling looks sensitive and that have no decision yet.

Usage:
  python3 label_held_out.py /tmp/held-out-names.json            # writes ../held-out.json
  python3 label_held_out.py /tmp/held-out-names.json --print    # per-class lists instead
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CLASSES = ["credential", "payment_card", "government_id", "bank_account", "phone", "ip_address", "street_address",
           "benign"]

D = {}


def decide(cls, names, note=None):
    for n in names.split():
        assert n not in D, n
        D[n] = (cls, note)


# =============================================================================================
# credential

decide("credential", "newPassword oldPassword tempPassword encryptedPassword hashed_password secretData "
       "passCode oneTimePasscode otpCode totp_code otp blikCode lookup_secret backup_codes sharedSecret "
       "apiKey api_key providerAuthToken ConsumerSecret AccessToken RequestToken facilitatorAccessToken "
       "initial_access_token initial_id_token initial_refresh_token session_token ory_session_token sessionToken "
       "device_secret csrf_token activationToken rp_token token_secret Password hashedPassword responseAccessToken "
       "transactionKey accessToken partnerTransactionKey user_pass user_activation_key activation_key sign_in_token "
       "confirm_password")
decide("credential", "encryptedPin",
       "CyberSource point of sale: the encrypted PIN block, labelled like encrypted_pin_cryptogram")
decide("credential", "transientTokenJwt",
       "CyberSource: the transient token JWT that stands for the card data captured by Microform (single-use "
       "token standing for card data, like a Braintree nonce)")
decide("credential", "opaqueData",
       "Authorize.Net opaqueData: the Accept.js/wallet payment nonce (dataDescriptor + dataValue), a single-use "
       "token standing for card data; its generic `dataValue` leaf is benign, so the container is what must be "
       "dropped")
decide("credential", "impersonationAuthentication",
       "Authorize.Net: object holding the partner login id and partner transaction key (an API secret)")
decide("credential", "post_password",
       "WordPress posts.post_password: the password protecting a post")
decide("credential", "recovery_question",
       "Okta credentials.recovery_question: object holding the question and its secret answer (the bare `answer` "
       "leaf is benign, so the container is what must be dropped)")
decide("credential", "credentials",
       "Okta user.credentials, Keycloak credentials and Kratos identity.credentials hold the password (value or "
       "hash); a container named for what it holds")
decide("credential", "activationUrl resetPasswordUrl recovery_link",
       "single-use activation/reset/recovery link whose URL carries the token")
decide("credential", "totp_url",
       "Kratos TOTP credential: the otpauth:// URL, which carries the TOTP secret")
decide("credential", "tokenized",
       "Kratos session.tokenized: the session as a signed JWT, usable as a session token; the spelling also reads "
       "as a flag (Razorpay's boolean is spelled `tokenised`). Ambiguous; labelled by the secret meaning")
decide("credential", "passkey_login webauthn_login",
       "Kratos login body: the signed WebAuthn/passkey assertion presented to log in (treated like a client "
       "assertion)")
decide("credential", "cookies",
       "Clerk CookiesJSON.cookies: the session cookies set for a user (they carry the session token); a profile "
       "may also use the word for cookie consent. Ambiguous; labelled by the secret meaning")
decide("credential", "DeleteToken",
       "Salesforce OauthToken.DeleteToken: the token that authorises revoking the OAuth token")
decide("credential", "authorization_token",
       "Adyen payment details (Klarna): authorization token returned by the payment method; single-use token")
decide("credential", "authCode auth_code",
       "Adyen/Razorpay: the issuer's approval code for a payment; the same spelling is the OAuth authorization "
       "code, and the README counts `auth code` among the secret codes. Ambiguous; labelled credential")
decide("credential", "pn_sessid",
       "OpenEMR openemr_session_info.pn_sessid: the PHP session id (the session cookie value), like Django "
       "session_key")
decide("credential", "pn_vars",
       "OpenEMR openemr_session_info.pn_vars: the serialized session variables, like Django session_data")

# =============================================================================================
# payment_card

decide("payment_card", "encryptedCardNumber encryptedSecurityCode cc_number_enc cc_cid_enc securityCode cardCode "
       "track1 track2 trackData encryptedTrackData")
decide("payment_card", "creditCard",
       "Authorize.Net creditCard object: card number, expiry and card code; container named for what it holds")
decide("payment_card", "emv emvData",
       "EMV chip data (CyberSource pointOfSaleInformation.emv tags, Authorize.Net emvData), which carries the card "
       "number; labelled like icc_data")
decide("payment_card", "cryptogram",
       "CyberSource tokenized card cryptogram: one-time network-token cryptogram, labelled like payment_cryptogram")
decide("payment_card", "signedPares ucafAuthenticationData",
       "3-D Secure result carrying the CAVV/AAV (signed PARes; Mastercard UCAF authentication data), labelled "
       "like cavv")
decide("payment_card", "encryptedCard",
       "Adyen: client-side encrypted card blob (number, expiry and CVC in one field)")
decide("payment_card", "tokenized_card decrypted_token",
       "PayPal Apple Pay decrypted token: object holding the device card number and expiry")
decide("payment_card", "card_details",
       "Square payment.card_details: a container named for the card (card brand, last 4, expiry in responses); "
       "as a profile key it names card data. Container; labelled payment_card")
decide("payment_card", "token_number",
       "Razorpay network token: the token PAN, a card number usable with the token cryptogram")
decide("payment_card", "cryptogram_value application_cryptogram tokenAuthenticationVerificationValue",
       "one-time card cryptogram (network token, EMV ARQC, 3-D Secure authentication value), labelled like "
       "cavv and payment_cryptogram in field-names.json")
decide("payment_card", "PaReq PaRes",
       "3-D Secure 1 payer authentication request/response: the PaReq message carries the card number and the "
       "PaRes carries the CAVV")

# =============================================================================================
# government_id

decide("government_id", "socialSecurityNumber taxId taxIdentificationNumber walletOwnerTaxId vatNumber taxvat "
       "customer_taxvat identification_number drivers_license registrationNumber gst vatRegistrationNumber "
       "companyTaxId taxIdNumber tax_number")
decide("government_id", "personalIdentification driversLicense id_numbers document_numbers",
       "identity-document object or list (type + number/id, issuer); container named for what it holds")
decide("government_id", "personal_number",
       "Onfido document properties: the personal (national identity) number printed on the document")
decide("government_id", "mrz_line1 mrz_line2 mrz_line3",
       "Onfido: machine-readable-zone lines of a passport or ID card, which encode the document number, name "
       "and birth date")
decide("government_id", "security_document_number",
       "Onfido: the security/serial number of the identity document (identifies the document like a passport "
       "number)")
decide("government_id", "hidden_ssn",
       "Gusto: the masked SSN, which shows the last four digits (XXX-XX-1234); the README labels the partial "
       "ssn_last_4 government_id")
decide("government_id", "ss",
       "OpenEMR patient_data.ss: the patient's Social Security number")
decide("government_id", "document_number",
       "Gusto I-9 authorization: the number of the identity/work-authorization document (passport, licence, "
       "permanent resident card)")
decide("government_id", "identification",
       "Adyen PSE details: the shopper's identification (ID document) number")
decide("government_id", "identificationData",
       "Adyen legal entity: identity-document object (number, card number, expiry); container named for what it "
       "holds")
decide("government_id", "taxInformation tax_info shopperTaxInfo",
       "container of tax-id objects (country/type + `number`/`tax_id`); the generic `number` leaf is benign, so "
       "the container is what must be dropped")

# =============================================================================================
# bank_account

decide("bank_account", "bankAccountNumber IBAN sortCode bsbCode bankBranchCode branchCode branchNumber "
       "clearingCode clearingNumber ifsc ifsc_code echeck_routing_number primary_bank_identification_number "
       "secondary_bank_identification_number")
decide("bank_account", "encryptedBankAccountNumber encryptedBankLocationId",
       "Adyen: client-side encrypted bank account number / routing number (the account data in encrypted form)")
decide("bank_account", "bankCode",
       "Adyen EFT/CZ/DK account identification bankCode: the national bank code used with the account number, "
       "labelled like bank_code in field-names.json")
decide("bank_account", "ispb",
       "Adyen BR account identification: ISPB, the Brazilian bank identifier used with the account and branch "
       "numbers (the analogue of a routing or institution number)")
decide("bank_account", "bankAccount bank_details payer_bank_account accountIdentification bank_account_details",
       "bank-account object (account number, IBAN or routing data); container named for what it holds")
decide("bank_account", "additionalBankIdentification",
       "Adyen: object holding an additional bank code (e.g. a US routing number) for the account")
decide("bank_account", "consumerAccount",
       "Mollie payment/mandate details: the consumer's IBAN (for PayPal payments the consumer's PayPal account "
       "e-mail). Labelled by the bank meaning")
decide("bank_account", "virtual_account",
       "Razorpay: the virtual bank account object (receivers carry the account number and IFSC)")

# =============================================================================================
# phone

decide("phone", "CallerId callerId",
       "Impact / Google Ads call conversions: the caller's phone number")
decide("phone", "alternatePhoneNumber PhoneNumber "
       "telephoneNumber homePhone mobilePhone workPhone fullPhoneNumber primaryPhone beneficiary_mobile "
       "from_phone_number to_phone_number Phone Fax MobilePhone HomePhone OtherPhone AssistantPhone SuppliedPhone "
       "ContactPhone ContactMobile ContactFax $phone $phone_number phone_home phone_biz phone_contact phone_cell "
       "pc_conttel")
decide("phone", "contact",
       "Razorpay customer/payment `contact`: the customer's phone number; elsewhere the word names a contact "
       "person or object. Ambiguous; labelled by the Razorpay meaning")
decide("phone", "phones",
       "PayPal person/business `phones`: list of phone-number objects; container named for what it holds")
decide("phone", "telecom",
       "FHIR ContactPoint list (telecom): phone, fax, SMS, e-mail or URL contact points, mostly phone numbers; "
       "container named for what it holds")
decide("phone", "work_number",
       "Freshsales contact work_number: the work phone number")
decide("phone", "SMS",
       "Brevo (Sendinblue) contact attribute SMS: the mobile number used for SMS")
decide("phone", "whatsapps",
       "Kustomer customer `whatsapps`: list of WhatsApp phone numbers")

# =============================================================================================
# ip_address

decide("ip_address", "shopperIP ipAddress current_ip last_known_ip current_ip_address previous_ip_address SourceIp "
       "remote_ip customer_ip_address client_ip_address signed_by_ip_address context_ip pn_ipaddr customerIP IpAddress "
       "ipaddress user_ip comment_author_IP sign_up_ip $ip")
decide("ip_address", "IP", "WordPress registration_log.IP: the registrant's IP address (upper-case column name)")
decide("ip_address", "ipChain",
       "Okta log request ipChain: the chain of client and proxy IP addresses")
decide("ip_address", "x_forwarded_for",
       "Magento sales_order.x_forwarded_for: the X-Forwarded-For header (client IP chain)")

# =============================================================================================
# street_address

decide("street_address", "address_line_1 address_line_2 address_line_3 line3 street_1 street_2 street1 "
       "streetAndNumber streetAdditional address_1 address_2 address_one address_two $address1 "
       "beneficiary_address1 beneficiary_address2 beneficiary_address3 beneficiary_address4 BillingStreet "
       "ShippingStreet OtherStreet MailingStreet Street postalAddress address3 address4 address_line_4 "
       "address_line_5 beneficiaryAddress")
decide("street_address", "mailing_address filing_address work_address",
       "Gusto uses these keys for a boolean (company location is the mailing/filing address) and a location "
       "reference (historical employee work_address); the spellings name an address, which a profile would hold "
       "under them. Ambiguous; labelled street_address")
decide("street_address", "flat_number", "Onfido address: flat number, the unit part of the address line")
decide("street_address", "sub_street", "Onfido address: sub-street (secondary street or locality line)")
decide("street_address", "address_lines",
       "Onfido document properties: the address lines read from the document (street_address, city ...)")
decide("street_address", "houseNumberOrName street_number",
       "house number (or house name) part of the street line")
decide("street_address", "sub_building",
       "PayPal address_details.sub_building: flat, floor or apartment, the second-line part of the address")
decide("street_address", "delivery_service",
       "PayPal address_details.delivery_service: PO box or bag number, the delivery line of a postal address")
decide("street_address", "billingAddress deliveryAddress residentialAddress registeredAddress "
       "principalPlaceOfBusiness homeAddress home_address shippingAddress "
       "BillingAddress ShippingAddress OtherAddress MailingAddress Address address_details",
       "address object (or compound address field) that holds the street lines")

# =============================================================================================
# benign: spellings that look sensitive, with the reason

decide("benign", "hidden_account_number accountIdentifier account_number_suffix",
       "masked bank account number or its last digits, like last4")
decide("benign", "iban_last_chars card_last_digits cc_last_4 lastFour realLastFour lastFourDigits cardSummary "
       "maskedTelephoneNumber", "last digits or masked form, like last4")
decide("benign", "hashedNumber hashedPhone hashedEmail", "hash of the value, like fingerprint")
decide("benign", "ph em fn ln db ge ct st zp",
       "Facebook Conversions API user_data keys: SHA-256 hashes of phone, e-mail, names, birth date, gender, city, "
       "state and zip (hashed before sending), like fingerprint")
decide("benign", "cc", "Adyen Phone.cc: the country calling code of a phone number")
decide("benign", "beneficiary_pin", "Razorpay beneficiary_pin: the Indian PIN code, i.e. the postal code")
decide("benign", "vpa virtualPaymentAddress vpa_handle cashtag buyer_cashtag",
       "UPI virtual payment address / Cash App $cashtag: a public payment handle, like an e-mail or wallet "
       "address")
decide("benign", "billingToken vaultToken ec_token",
       "PayPal/Adyen reference to a billing agreement, stored payment method or Express Checkout, like "
       "checkout_token")
decide("benign", "razorpay_signature",
       "Razorpay checkout: HMAC of order and payment ids sent back for verification; not usable to "
       "authenticate (unlike the OAuth 1 signature)")
decide("benign", "passkey_register webauthn_register",
       "Kratos registration: the WebAuthn attestation, which carries the new public key, not a secret")
decide("benign", "id_token_nonce", "OIDC nonce: a public anti-replay value")
decide("benign", "recovery_addresses verifiable_addresses recovery_address recovery_confirm_address "
       "recovery_select_address",
       "Kratos recovery/verifiable addresses are e-mail addresses (or phone numbers for SMS), not street "
       "addresses")
decide("benign", "deliveryContact authentication",
       "generic container (Adyen card deliveryContact, card authentication); the fields inside (address lines, "
       "phone, password) are classified where they are")
decide("benign", "ach_details",
       "Square ACH details: routing_number (classified) and account_number_suffix (masked); the container is "
       "named after the scheme")
decide("benign", "Signature StayInTouchSignature", "Salesforce User: the e-mail signature text")
decide("benign", "ConsumerKey", "Salesforce AuthProvider.ConsumerKey: the OAuth client's public identifier")
decide("benign", "credentialId credentialData",
       "WebAuthn credential id / Keycloak credential metadata (algorithm, digits, period): not the secret")
decide("benign", "subscriberId", "FHIR Coverage.subscriberId: the insurer's member id, not a state-issued id")
decide("benign", "protect_code", "Magento sales_order.protect_code: random code protecting guest tracking links")
decide("benign", "voucherNumber", "Mollie gift card voucher number, returned with the last digits masked")
decide("benign", "issueNumber cc_ss_issue", "card issue number (Maestro/Solo), not a verification code")
decide("benign", "merchantAccount", "Adyen: the merchant account name")
decide("benign", "pc_location", "OpenEMR calendar event location")
decide("benign", "billTo shipTo shipFrom",
       "Authorize.Net/CyberSource bill-to/ship-to party object (name, company, address line, city ...), like "
       "`billing`; the address lines inside are classified")
decide("benign", "hashedFirstName hashedLastName hashedPhoneNumber hashedStreetAddress",
       "SHA-256 hash of the value (Campaign Manager enhanced conversions), like fingerprint")
decide("benign", "dataValue dataKey",
       "Authorize.Net opaqueData leaves (the nonce and its key blob) inside `opaqueData`, which is classified; "
       "generic leaves")
decide("benign", "fingerPrint hashValue",
       "Authorize.Net SIM request fingerprint object and its HMAC; the spelling is the benign `fingerprint`; "
       "a per-request signature bound to a sequence and timestamp")
decide("benign", "encryptedKeySerialNumber keySerialNumber",
       "key serial number of the PIN/data encryption key, not the PIN; labelled like encrypted_pin_ksn")
decide("benign", "clientKey", "Authorize.Net Accept.js public client key (publishable)")
decide("benign", "barcode", "Onfido: decoded barcode fields of a document; the document_number inside is classified")
decide("benign", "checkNumber", "cheque serial number, not the account number")
decide("benign", "sms whatsapp mobile_push",
       "Klaviyo profile subscriptions: the consent object of each channel (consent, timestamps, method), not the "
       "number; Brevo's upper-case `SMS` attribute holds the number and is labelled phone")
decide("benign", "cardholderAuthentication",
       "Authorize.Net: object with the ECI indicator and the 3-D Secure value (cardholderAuthenticationValue, "
       "classified where it appears); named for the authentication step")
# generic leaves: the sensitive meaning comes from a parent that is classified (README convention 1)
decide("benign", "answer",
       "Okta recovery_question.answer / security-question factor: the secret answer, but the bare word names "
       "any answer (surveys, quizzes); generic leaf whose parent (recovery_question, credentials) is classified")
decide("benign", "hash",
       "Okta credentials.password.hash: the password-hash object, but the bare word names any hash (cart, "
       "Gravatar); generic leaf whose parent (credentials) is classified")
decide("benign", "confirmation",
       "Magento customer_entity.confirmation holds the e-mail confirmation key until the account is confirmed, "
       "but the bare word usually names a confirmation number or flag; generic leaf")
decide("benign", "subscriber",
       "Adyen Phone.subscriber: the subscriber number inside homePhone/mobilePhone/workPhone (classified phone); "
       "the bare word usually names a newsletter-subscriber flag")
decide("benign", "line",
       "FHIR Address.line: the street lines, inside `address` (classified street_address); the bare word names "
       "many things (product line, line number)")
decide("benign", "text",
       "FHIR Address.text / HumanName.text: the rendered address or name inside a classified parent; generic leaf")
decide("benign", "residential",
       "Razorpay stakeholder addresses.residential: an address object inside `addresses` (classified "
       "street_address); the bare adjective usually names a residential/commercial flag")
decide("benign", "primary secondary",
       "Razorpay stakeholder phone.primary/secondary hold phone numbers inside `phone` (classified); PayPal "
       "`primary` is a boolean; generic leaves")
decide("benign", "kyc",
       "Razorpay stakeholder.kyc: object holding `pan` (classified); the bare word usually names a KYC status")
decide("benign", "legal_info",
       "Razorpay account legal_info: object holding pan, gst and cin, which are classified themselves")
decide("benign", "branch_location", "PayPal bank.branch_location: the address of the bank branch")


# =============================================================================================


def words(name):
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name.lstrip("$"))
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return [w for w in s.replace("-", "_").lower().split("_") if w]


def looks_sensitive(name):
    """Safety net for re-runs: spellings that may be sensitive and have no decision yet."""
    flat = "".join(words(name))
    return bool(re.search(r"(pass(word|code)|secret|token|otp|pin$|cvv|cvc|cardnum|ssn|socialsecurity|taxid|"
                          r"passport|licen[cs]e|iban|routing|accountnumber|sortcode|phone|mobile|fax|tel|"
                          r"(^|_)ip|ipaddr|street|addressline|address\d)", flat))


def main():
    rows = json.load(open(sys.argv[1]))
    tuned = {o["name"] for o in json.load(open(os.path.join(HERE, "..", "field-names.json")))}
    out = []
    for r in rows:
        n = r["name"]
        if n in tuned:
            continue
        cls, note = D.get(n, ("benign", None))
        o = {"name": n, "class": cls, "source": r["source"]}
        if note:
            o["note"] = note
        out.append(o)
    names = {o["name"] for o in out}
    unused = sorted(n for n in D if n not in names)
    if unused:
        print("decided but not in the corpus: " + " ".join(unused), file=sys.stderr)
    pending = sorted(n for n in names if n not in D and looks_sensitive(n))
    if pending:
        print("benign by default but the spelling looks sensitive (reviewed): " + " ".join(pending), file=sys.stderr)
    out.sort(key=lambda o: (o["class"], o["name"].lower(), o["name"]))  # the order of field-names.json
    if "--print" in sys.argv:
        for c in CLASSES:
            sel = [o for o in out if o["class"] == c]
            print("== %s (%d)" % (c, len(sel)))
            print(" ".join(o["name"] for o in sel))
        return
    dest = os.path.join(HERE, "..", "held-out.json")
    with open(dest, "w") as fh:
        fh.write("[\n")
        fh.write(",\n".join(json.dumps(o, ensure_ascii=False) for o in out))
        fh.write("\n]\n")
    print("%d names -> %s" % (len(out), os.path.normpath(dest)), file=sys.stderr)


if __name__ == "__main__":
    main()
