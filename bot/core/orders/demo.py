"""Demo data: one rejected order per reason in the two seed help-center articles, so every
flow can be tried in the chat (verify with the order id plus its service ZIP or e-mail).
All people, numbers (555-01xx) and accounts are fictional."""

from __future__ import annotations

from dataclasses import replace

from bot.core.orders.records import NewOrder, PortOrder
from bot.core.orders.store import OrderStore, UnknownOrder

FIRST_DEMO_NUMBER = 10001


def _order(carrier: str, name: str, numbers: tuple[str, ...], address: str, zip_code: str, **extra) -> NewOrder:
    email = name.split()[0].lower().strip(",") + "@example.com"
    return NewOrder(
        numbers=numbers,
        losing_carrier=carrier,
        account_name=name,
        service_address=address,
        service_zip=zip_code,
        contact_email=email,
        **extra,
    )


# (category, the carrier's rejection notice, the order), in the order of the ids PO-10001...
DEMO_ORDERS: tuple[tuple[str, str, NewOrder], ...] = (
    (
        "unpaid_balance",
        "REJECT: Unsatisfactory Business Relationship. Account has a past due balance of $212.40; "
        "a port out fee of $25.00 also applies.",
        _order(
            "CenturyLink",
            "Hollis Bakery",
            ("+13125550101",),
            "1840 W Belmont Ave",
            "60657",
            account_number="311555010188",
        ),
    ),
    (
        "name_mismatch",
        "BUSINESS_NAME_MISMATCH: End User name on the request does not match the CSR.",
        _order(
            "AT&T",
            "Bayview Dental Group",
            ("+14155550102", "+14155550103"),
            "2290 Bayshore Blvd",
            "94134",
            account_number="160555010233",
        ),
    ),
    (
        "address_mismatch",
        "LOCATION_MISMATCH: Service address does not match CSR (billing or PO Box address submitted).",
        _order(
            "Comcast Business",
            "Ortega Landscaping",
            ("+12065550104",),
            "PO Box 4471",
            "98103",
            account_number="8497555010412",
        ),
    ),
    (
        "all_info_mismatch",
        "All Data Mismatch: customer info does not match our records (company name, authorized name, address).",
        _order(
            "Verizon Business",
            "Summit Travel Partners",
            ("+18885550105",),
            "410 Congress Ave",
            "78701",
            authorized_name="Dana Whitfield",
        ),
    ),
    (
        "inactive_number",
        "Telephone number not in service: number disconnected, no active service in the last 30 days.",
        _order("Frontier", "Ruth Calloway", ("+13035550106",), "77 Elm St", "80203"),
    ),
    (
        "authorized_signer",
        "AUTH_PERSON_MISMATCH: Unauthorized Signature. The LOA signer is not an authorized person on the account.",
        _order(
            "Spectrum Business",
            "Kestrel Yoga Studio",
            ("+16175550107",),
            "95 Harvard Ave",
            "02134",
            authorized_name="Leo Marsh",
            authorized_title="Studio Manager",
        ),
    ),
    (
        "pin_invalid",
        "WPR 8C PASSCODE_PIN_INVALID: Invalid PIN. The passcode supplied does not match the account.",
        _order(
            "T-Mobile",
            "Jordan Ellis",
            ("+14045550108",),
            "1200 Peachtree St NE",
            "30309",
            account_number="964555010",
            pin="1234",
        ),
    ),
    (
        "account_number",
        "WPR 8A ACCOUNT_NUMBER_MISMATCH: Account number invalid for the MDN.",
        _order(
            "Verizon Wireless",
            "Priya Raman",
            ("+12135550109",),
            "615 S Flower St",
            "90017",
            account_number="421555010900001",
            pin="583920",
        ),
    ),
    (
        "btn_invalid",
        "BTN_ATN_MISMATCH: Incorrect BTN. The billing telephone number does not match the account.",
        _order(
            "AT&T",
            "Greenline Auto Repair",
            ("+17185550110", "+17185550111"),
            "31-10 Steinway St",
            "11103",
            btn="+17185550119",
        ),
    ),
    (
        "not_portable",
        "RATE_CENTER_NOT_PORTABLE: The telephone number's rate center is not portable to the new provider.",
        _order("Windstream", "Cole Family Farm", ("+16025550112",), "8800 N Rural Route 2", "85086"),
    ),
    (
        "resold_account",
        "INVALID_RESELLER: Resold Account. Submit with the underlying network provider's customer information.",
        _order("Vonage", "Mara Quinn", ("+15035550113",), "2440 NE Alberta St", "97211"),
    ),
    (
        "multiple_accounts",
        "WPR 6R PORTING_ORDER_SPLIT_REQUIRED: Telephone numbers are on different accounts.",
        _order("AT&T", "Northside Tutoring", ("+19195550114", "+19195550115"), "500 Glenwood Ave", "27603"),
    ),
    (
        "remaining_services",
        "Partial port: remaining services on the account (DSL, +1 305 555 0117). Additional numbers must be addressed.",
        _order(
            "CenturyLink", "Lopez Insurance Agency", ("+13055550116",), "1450 Brickell Ave", "33131", btn="+13055550117"
        ),
    ),
    (
        "port_freeze",
        "WPR 6P: Port protection is on. Freeze on the line; the number must be unlocked by the end user.",
        _order("Verizon Fios", "Samuel Okafor", ("+16155550118",), "210 Music Row", "37203"),
    ),
    (
        "hunt_group",
        "PHONE_NUMBER_HAS_SPECIAL_FEATURE: Number is the pilot of a Hunt Group.",
        _order("Frontier", "Harbor Family Clinic", ("+16125550120", "+16125550121"), "820 Nicollet Mall", "55402"),
    ),
    (
        "pending_order",
        "LSR_PENDING: A pending order exists on the account. Resubmit once it completes.",
        _order("Comcast Business", "Ava Brennan", ("+18165550122",), "4700 Main St", "64112"),
    ),
    (
        "under_contract",
        "Port rejected: number under contract. Term agreement in effect until 2027-03-31.",
        _order("Spectrum Business", "Desert Bloom Florist", ("+17025550123",), "3900 S Maryland Pkwy", "89119"),
    ),
    (
        "google_voice_unlock",
        "Port rejected: number locked. The Google Voice number must be unlocked by the subscriber before porting.",
        _order("Google Voice", "Theo Lambert", ("+14125550124",), "5000 Forbes Ave", "15213"),
    ),
)


def demo_order_id(index: int) -> str:
    return f"PO-{FIRST_DEMO_NUMBER + index}"


def seed_demo(store: OrderStore) -> list[PortOrder]:
    """Create the missing demo orders, each rejected with its notice; returns the ones created."""
    _ = store.box  # a missing PIN key stops the seeding before the first order, not halfway
    store.encrypt_plain_account_numbers()
    created = []
    for index, (category, notice, order) in enumerate(DEMO_ORDERS):
        order_id = demo_order_id(index)
        try:
            store.get(order_id)
            continue
        except UnknownOrder:
            pass
        store.add(replace(order, customer_id=f"C-{FIRST_DEMO_NUMBER + index}"), actor="demo", order_id=order_id)
        created.append(store.record_rejection(order_id, category, notice))
    return created
