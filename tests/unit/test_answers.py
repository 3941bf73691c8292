"""Values out of customers' sentences (bot.core.answers), written from kinds of customers: those who
answer in sentences, with typos, with filler and complaints, everything at once, or who correct
themselves; and what must never be taken for a value (a ZIP as the PIN, an amount as an account)."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.answers import FIELDS, SECRET_FIELDS, extract, extract_all, is_only_filler, masked, replacement
from bot.settings import PROJECT_ROOT

TODAY = date(2026, 11, 30)  # a Monday, the day of the customer trial

# (field asked, what the customer wrote, the value expected; None: no value in it)
CASES = [
    # --- ZIP: in a sentence, with punctuation, filler, typos, complaints
    ("service_zip", "the zip is 55402", "55402"),
    ("service_zip", "zip is 33131", "33131"),
    ("service_zip", "my zip is 80203", "80203"),
    ("service_zip", "60657.", "60657"),
    ("service_zip", "78701!!", "78701"),
    ("service_zip", "I already told you. 64112", "64112"),
    ("service_zip", "same 98103", "98103"),
    ("service_zip", "zip code: 94110-1234", "94110-1234"),
    ("service_zip", "the zip cod is 55402 i think", "55402"),
    ("service_zip", "zipcode 10001 thanks", "10001"),
    ("service_zip", "its 30301", "30301"),
    ("service_zip", "we're in 606571234", "60657-1234"),
    ("service_zip", "postal code is k1a 0b1", "K1A 0B1"),
    ("service_zip", "M5V 2T6 (Toronto)", "M5V 2T6"),
    ("service_zip", "1840 W Belmont Ave, Chicago IL 60657", "60657"),
    ("service_zip", "12345 Main St, Austin TX 78701", "78701"),
    ("service_zip", "02139 is the zip for the office", "02139"),
    ("service_zip", "44712 is the pin, 60614 is the zip", "60614"),
    ("service_zip", "sorry the zip is actually 60615 not 60614", "60615"),
    ("service_zip", "60614... oops I mean 60615", "60615"),
    # a correction "X, not Y" / "X instead of Y": the refused value is never the answer
    ("service_zip", "oops, it's 30309, not 30308", "30309"),
    ("service_zip", "73301 instead of 73310", "73301"),
    ("service_zip", "not 60614", None),
    ("service_zip", "zip is 5540", None),
    ("service_zip", "I already told you", None),
    ("service_zip", "my order is PO-10004", None),
    ("service_zip", "call me at 415-555-0186", None),
    ("service_zip", "I paid $12500 already", None),
    # --- e-mail and the identity check (ZIP or e-mail)
    ("authorized_email", "it's hollis@example.com", "hollis@example.com"),
    ("authorized_email", "email: Dana.Whitfield@Bayview-Dental.com.", "dana.whitfield@bayview-dental.com"),
    ("authorized_email", "send it to (ops@quinn-counseling.org) please", "ops@quinn-counseling.org"),
    ("authorized_email", "hollis@example", None),
    ("authorized_email", "I don't have email", None),
    ("order_verifier", "it's hollis@example.com", "hollis@example.com"),
    ("order_verifier", "the zip is 55402", "55402"),
    ("order_verifier", "same 98103", "98103"),
    ("order_verifier", "zip 78701 or hollis@example.com", "78701"),
    ("order_verifier", "ugh i just told you", None),
    # a ZIP right after the order number
    ("order_verifier", "PO-20024 / 90017 / verizon says account number mismatch", "90017"),
    ("order_verifier", "order 10004 / 78701 / not sure what else you need", "78701"),
    # --- order ids
    ("order_id", "Hi, my port order PO-10007 was rejected", "PO-10007"),
    ("order_id", "po 10007", "PO-10007"),
    ("order_id", "order 10007", "PO-10007"),
    ("order_id", "order #10007", "PO-10007"),
    ("order_id", "my order number is 10007", "PO-10007"),
    ("order_id", "po10004", "PO-10004"),
    ("order_id", "Order PO-10004, zip 78701", "PO-10004"),
    ("order_id", "P.O. Box 12345", None),
    ("order_id", "where do I find my order number?", None),
    # --- PIN and transfer PIN
    ("pin", "it also had me make a transfer pin, it's 4418207", "4418207"),
    ("pin", "ok can you fix both? the account number is 287341190556 and the transfer pin 5530921", "5530921"),
    ("pin", "pin: 1234", "1234"),
    ("pin", "PIN is 0042", "0042"),
    ("pin", "passcode 778899", "778899"),
    ("pin", "the number tranfer pin they texted me is 55 30 921", "5530921"),
    ("pin", "4418207", "4418207"),
    ("pin", "it's 8812", "8812"),
    ("pin", "As I said, it's 9921.", "9921"),
    ("pin", "last four of my social is 1234", "1234"),
    ("pin", "my pin is AB12CD", "AB12CD"),
    ("pin", "zip 60657 and the pin 1234", "1234"),
    ("pin", "44712 is the pin, 60614 is the zip", "44712"),
    ("pin", "wait, pin is 4471. no sorry 4417", "4417"),
    ("pin", "4471 - no, the new one is 9981", "9981"),
    ("pin", "6612 not 6621", "6612"),
    ("pin", "not 4471", None),
    # the PIN label, a few words, then the cue; a PIN that is the SSN's last 4
    ("pin", "the transfer pin on the new account is 55 30 921", "5530921"),
    ("pin", "pin they gave me at the store is 4471", "4471"),
    ("pin", "T-Mobile told me the PIN on my account is the last 4 of my SSN, 8592", "8592"),
    ("pin", "my PIN is the last four of my social, 4410", "4410"),
    ("pin", "the pin and the zip is 60614", None),  # the words between label and cue name another field
    ("pin", "the zip is 55402", None),
    ("pin", "I paid the 212.40 this morning", None),
    ("pin", "my order is PO-10004", None),
    ("pin", "order 10004", None),
    ("pin", "call 415-555-0186", None),
    ("pin", "I paid $1250 yesterday", None),
    ("pin", "they charged a 2500 dollar fee", None),
    ("pin", "confirmation number is CL-88231947", None),
    ("pin", "port it 12/15/2026", None),
    ("pin", "I already told you.", None),
    ("pin", "the pin is wrong?", None),
    # --- account numbers
    ("account_number", "As I said, it's 482019375-00001", "48201937500001"),
    ("account_number", "acct # 77812-4410", "778124410"),
    ("account_number", "account number: 8391 0042 7781", "839100427781"),
    ("account_number", "my acount number is 287341190556", "287341190556"),
    ("account_number", "ABC-12345-X is what the bill says", "ABC12345X"),
    ("account_number", "287341190556", "287341190556"),
    ("account_number", "acct 559-221-0093", "5592210093"),
    ("account_number", "acct 55102993, no wait, 55102994", "55102994"),
    ("account_number", "it's 99310044, not 99310045", "99310044"),
    (
        "account_number",
        "ok can you fix both? the account number is 287341190556 and the transfer pin 5530921",
        "287341190556",
    ),
    # the label, a few words ("for porting", "on the bill"), then "is" or ":"
    (
        "account_number",
        "The account number for porting is 421555014700001 and my transfer PIN is 775120.",
        "421555014700001",
    ),
    ("account_number", "the account number on the bill is 8391 0042 7781", "839100427781"),
    ("account_number", "account number on my Comcast statement: 77812-4410", "778124410"),
    ("account_number", "the account number printed on the invoice is 559 221 0093 0001", "55922100930001"),
    ("account_number", "account number and zip is 60614", None),
    ("account_number", "ok I paid centurylink the 212.40 and the 25 fee this morning", None),
    ("account_number", "PO-10004", None),
    ("account_number", "the zip is 55402", None),
    ("account_number", "415-555-0186", None),
    ("account_number", "I don't have it yet", None),
    # asked about in a question, given in the next sentence: whatever its shape, no ZIP
    ("account_number", "could you verify the acct number? should be 60614-2231, dash and all", "606142231"),
    ("account_number", "what did you put for the account #? it is 30309", "30309"),
    ("service_zip", "could you verify the acct number? should be 60614-2231, dash and all", None),
    ("service_zip", "what did you put for the account #? it is 30309", None),
    ("account_number", "can you check the account number? my zip is 60615", None),  # another label between
    # --- BTN and phone numbers
    ("btn", "the btn is 512-555-0142", "+15125550142"),
    ("btn", "billing number (415) 555-0186", "+14155550186"),
    ("btn", "it's 415.555.0186", "+14155550186"),
    ("btn", "main number is 1 415 555 0186 I think", "+14155550186"),
    ("btn", "the pilot is 415-555-0186 and the btn 415-555-0187", "+14155550187"),
    ("btn", "the btn is 888-555-0100, sorry, 312-555-0147", "+13125550147"),
    ("btn", "I don't know it", None),
    ("btn", "5530921", None),
    ("pilot_number", "make 718-555-0119 the new pilot", "+17185550119"),
    ("pilot_number", "pilot number: 718 555 0120", "+17185550120"),
    ("numbers", "415-555-0186 and (415) 555-0187", "+14155550186, +14155550187"),
    ("numbers", "only 718-555-0119 stays", "+17185550119"),
    ("numbers", "all of them", None),
    # numbers said to be elsewhere are left out when others are named
    ("numbers", "720-555-0133 moved to T-Mobile in june. only 720-555-0134 should port", "+17205550134"),
    ("numbers", "646-555-0190 is ours; 646-555-0191 is on a different account", "+16465550190"),
    ("numbers", "keep 206-555-0170, 206-555-0171 isn't on this account", "+12065550170"),
    ("numbers", "415-555-0186, not 415-555-0187", "+14155550186"),
    ("numbers", "415-555-0186 moved to AT&T", "+14155550186"),  # none named as staying: as typed
    # a line by its last four digits, when no number is typed in full: the caller knows the order's numbers
    ("numbers", "the line ending in 0177 is the only one on the account", "0177"),
    ("numbers", "only the 0190 number", "0190"),
    ("numbers", "the 0177 and 0178 lines", "0177, 0178"),
    ("numbers", "0133", "0133"),
    ("numbers", "just 0141 and 303-555-0142", "+13035550142"),
    ("numbers", "pin 0177", None),
    ("numbers", "it was 1250 dollars", None),
    ("numbers", "I have 2 lines", None),
    ("numbers", "the zip is 60614", None),
    # --- account (company or person) names
    ("account_name", "As I said above, it's Bayview Dental Group, LLC", "Bayview Dental Group, LLC"),
    (
        "account_name",
        "almost, the account name needs to be Quinn Counseling Services LLC",
        "Quinn Counseling Services LLC",
    ),
    (
        "account_name",
        "Yes please. I checked our AT&T bill and the account name is Bayview Dental Group, LLC",
        "Bayview Dental Group, LLC",
    ),
    ("account_name", "Hollis & Sons Plumbing Inc.", "Hollis & Sons Plumbing Inc."),
    ("account_name", "it should be The Hollis Group", "The Hollis Group"),
    ("account_name", "Bayview Dental Group, LLC. thanks!", "Bayview Dental Group, LLC"),
    ("account_name", "the name on the bill is Maria Lopez", "Maria Lopez"),
    ("account_name", '"Acme Widgets, Inc."', "Acme Widgets, Inc."),
    ("account_name", "the name I gave you is wrong. it should be Jonathan Reyes", "Jonathan Reyes"),
    ("account_name", "the bill says 'Hernandez Auto Repair LLC'", "Hernandez Auto Repair LLC"),
    ("account_name", "It's under my husband's name, Robert Kim", "Robert Kim"),
    ("account_name", "Bayview Dental Group, LLC and the address is 1840 W Belmont Ave", "Bayview Dental Group, LLC"),
    # a label, other words, then "is"/"should be": the value starts after the cue ("&" splits nothing)
    (
        "account_name",
        "The account name on the AT&T bill is Bayview Dental Group, LLC. Please fix it.",
        "Bayview Dental Group, LLC",
    ),
    (
        "account_name",
        "the company name on our Comcast account is Harbor Point Marina Inc. can you update it",
        "Harbor Point Marina Inc.",
    ),
    (
        "account_name",
        "The business name on the Verizon bill should be Quinn Counseling Services LLC",
        "Quinn Counseling Services LLC",
    ),
    ("account_name", "the legal name on file with AT&T is Ortiz Family Bakery, L.L.C.", "Ortiz Family Bakery, L.L.C."),
    # "says", "reads", "shows", "is listed as", "is under"; a company name ends at its legal ending
    (
        "account_name",
        "fwiw the invoice from at&t says Bayview Dental Group, LLC at the top",
        "Bayview Dental Group, LLC",
    ),
    ("account_name", "the bill reads Hollis & Sons Plumbing Co. at the very top", "Hollis & Sons Plumbing Co."),
    (
        "account_name",
        "on the statement it shows Redwood Family Dentistry, PLLC, then our address",
        "Redwood Family Dentistry, PLLC",
    ),
    ("account_name", "the account is listed as Marisol Vega", "Marisol Vega"),
    ("account_name", "the account is under Kestrel Yoga LLC", "Kestrel Yoga LLC"),
    ("account_name", "bayview dental group llc at the top of the bill", "bayview dental group llc"),
    ("account_name", "Smith & Co. Holdings LLC", "Smith & Co. Holdings LLC"),  # "Co." followed by more name
    # a remark on how the name is written, after it, is no part of it
    (
        "account_name",
        "Golden Gate Dry Cleaning, LLC. That is exactly how Verizon prints it.",
        "Golden Gate Dry Cleaning, LLC",
    ),
    ("account_name", "Sunrise Yoga Studio - just like on the statement", "Sunrise Yoga Studio"),
    ("account_name", "Riverbend Pet Clinic (that's what the AT&T bill says)", "Riverbend Pet Clinic"),
    ("account_name", "Lakeside Books. It's written like that on our Spectrum invoice.", "Lakeside Books"),
    ("account_name", "Harbor Lights Cafe, not Harbor Light Cafe", "Harbor Lights Cafe"),
    # never a sentence, an order id, a ZIP or a bare number; nor the authorized person's name
    ("account_name", "Leo signed the LOA", None),
    ("account_name", "Please fix it.", None),
    # what the rejection said of the name, typed without apostrophes (trial 5)
    (
        "account_name",
        "its for Bayview Dental Group, att said the business name doesnt match. will we lose service?",
        None,
    ),
    ("account_name", "the name on the account didnt match their records", None),
    ("account_name", "apparently our company name is mismatched", None),
    ("authorized_name", "they said the authorized name isnt matching", None),
    ("account_name", "order 10004 zip 78701", None),
    ("account_name", "my pin is 1234 and my zip is 60657", None),
    (
        "account_name",
        "order PO-20028, zip 02134. Leo signed the LOA but the account holder at Spectrum is Nadia Kestrel-Park, "
        "Owner. her email is nadia@kestrelyoga.com",
        None,
    ),
    (
        "account_name",
        "PO-20024 / 90017 / verizon says account number mismatch. The account number for porting is "
        "421555014700001 and my transfer PIN is 775120.",
        None,
    ),
    (
        "account_name",
        "my port order PO-20026 was rejected for the PIN. zip 30309. T-Mobile told me the PIN on my account is "
        "the last 4 of my SSN, 8592",
        None,
    ),
    ("account_name", "owner of the account is Sam Patel", None),
    ("account_name", "ALREADY DONE.", None),
    ("account_name", "i just told you.", None),
    ("account_name", "what account name?", None),
    ("account_name", "12345", None),
    # --- the authorized person
    ("authorized_name", "Dana Whitfield, Operations Director", "Dana Whitfield"),
    ("authorized_name", "the name I gave you is wrong. it should be Jonathan Reyes", "Jonathan Reyes"),
    ("authorized_name", "Sam Patel is the owner", "Sam Patel"),
    ("authorized_name", "it's Priya Natarajan, CFO", "Priya Natarajan"),
    ("authorized_name", "Jonathan Reyes, not John Reyes", "Jonathan Reyes"),
    ("authorized_name", "not John Reyes, it's Jonathan Reyes", "Jonathan Reyes"),
    ("authorized_name", "Dr. Aisha Rahman", "Dr. Aisha Rahman"),
    ("authorized_name", "mary-kate o'brien", "mary-kate o'brien"),
    ("authorized_name", "name: Luis de la Cruz", "Luis de la Cruz"),
    ("authorized_name", "the authorized person is Carla Mendes, practice manager", "Carla Mendes"),
    ("authorized_name", "my name is Kevin O'Malley and I'm the general manager", "Kevin O'Malley"),
    ("authorized_name", "dana whitfield operations director", "dana whitfield"),
    ("authorized_name", "Thanh Do", "Thanh Do"),
    # "account holder", "signer", "the person on the account", "owner of the account is"
    ("authorized_name", "the account holder at Spectrum is Nadia Kestrel-Park, Owner", "Nadia Kestrel-Park"),
    ("authorized_name", "the signer on the LOA is Marcus Bell, IT manager", "Marcus Bell"),
    ("authorized_name", "the person on the account is Priya Natarajan", "Priya Natarajan"),
    ("authorized_name", "owner of the account is Sam Patel", "Sam Patel"),
    ("authorized_name", "account holder: Jin Oh", "Jin Oh"),
    ("authorized_name", "the authorized person is Dana Whitfield, who is the owner", "Dana Whitfield"),
    ("authorized_name", "Please fix it.", None),
    ("authorized_name", "Leo signed the LOA", None),
    ("authorized_name", "ALREADY DONE.", None),
    ("authorized_name", "the owner or whoever pays the bill?", None),  # a question, not a name
    ("authorized_name", "it is Ann Pays", "Ann Pays"),
    ("authorized_name", "the new one", None),
    ("authorized_name", "i just told you.", None),
    ("authorized_name", "the owner", None),
    ("authorized_name", "Hollis Family Dental", None),
    ("authorized_name", "Dana", None),
    # the person given for a role ("our office manager, ..."), or after "me"
    ("authorized_name", "it's our office manager, Priya Shah", "Priya Shah"),
    ("authorized_name", "the account is under my business partner, Dev Kapoor", "Dev Kapoor"),
    ("authorized_name", "it should be signed by me, Grace Liu, I'm the founder", "Grace Liu"),
    ("authorized_name", "her name is Zoe Laurent, with the umlaut", "Zoe Laurent"),
    # hedges ("tho", "I think", "probably") are no part of a name, before it or after it
    ("authorized_name", "the account holder is probably Tomás Ruiz tho, office manager", "Tomás Ruiz"),
    ("authorized_name", "honestly the signer is Ravi Menon, practice owner I think", "Ravi Menon"),
    ("authorized_name", "that would be me tho - Keiko Tanaka, owner", "Keiko Tanaka"),
    ("authorized_name", "i guess it's Hana Sato, probably the office manager", "Hana Sato"),
    ("authorized_name", "Tho Nguyen", "Tho Nguyen"),  # with a capital, a given name
    ("authorized_name", "honestly I think so", None),
    ("authorized_name", "maybe", None),
    ("authorized_title", "Dana Whitfield, Operations Director", "Operations Director"),
    ("authorized_title", "Sam Patel is the owner", "Owner"),
    ("authorized_title", "Dana Whitfield (office manager)", "Office Manager"),
    ("authorized_title", "Marcus Bell - IT manager", "IT manager"),
    ("authorized_title", "Operations Director", "Operations Director"),
    ("authorized_title", "she's the office manager", "Office Manager"),
    ("authorized_title", "Owner", "Owner"),
    ("authorized_title", "the name I gave you is wrong. it should be Jonathan Reyes", None),
    ("authorized_title", "my name is Kevin O'Malley and I'm the general manager", "General Manager"),
    ("authorized_title", "dana whitfield operations director", "Operations Director"),
    ("authorized_title", "the account holder at Spectrum is Nadia Kestrel-Park, Owner", "Owner"),
    ("authorized_title", "the authorized person is Dana Whitfield, who is the owner", "Owner"),
    ("authorized_title", "i just told you", None),
    # no sentence, order id or company is a title
    ("authorized_title", "Please fix it.", None),
    ("authorized_title", "PO-20024 / 90017 / verizon says account number mismatch", None),
    ("authorized_title", "fwiw the invoice from at&t says Bayview Dental Group, LLC at the top", None),
    ("authorized_title", "it's our office manager, Priya Shah", "Office Manager"),
    ("authorized_title", "the account is under my business partner, Dev Kapoor", "Business Partner"),
    ("authorized_title", "it should be signed by me, Grace Liu, I'm the founder", "Founder"),
    ("authorized_title", "that's Hugo Brandt, Practice Manager", "Practice Manager"),
    ("authorized_title", "the cfo", "CFO"),
    # words after a name that name no job are no title
    ("authorized_title", "it's Sara Lindqvist, with a q", None),
    ("authorized_title", "Matt Klein, spelled with a K", None),
    ("authorized_title", "her name is Zoe Laurent, with the umlaut", None),
    # a corrected title
    ("authorized_title", "her title is Treasurer, not Secretary", "Treasurer"),
    ("authorized_title", "Managing Partner instead of Partner", "Managing Partner"),
    ("authorized_title", "it should say Controller rather than Bookkeeper", "Controller"),
    # nor of a title
    ("authorized_title", "the account holder is probably Tomás Ruiz tho, office manager", "Office Manager"),
    ("authorized_title", "honestly the signer is Ravi Menon, practice owner I think", "Practice Owner"),
    ("authorized_title", "that would be me tho - Keiko Tanaka, owner", "Owner"),
    ("authorized_title", "Lena Park, bookkeeper I think", "Bookkeeper"),
    ("authorized_title", "probably", None),
    # --- service addresses
    (
        "service_address",
        "the service address is 1840 W Belmont Ave Apt 3, Chicago, IL 60657",
        "1840 W Belmont Ave Apt 3",
    ),
    ("service_address", "it's 500 Main St Suite 200", "500 Main St Suite 200"),
    (
        "service_address",
        "we moved, new address is 77 Harbor Blvd Suite 410 San Diego CA 92101",
        "77 Harbor Blvd Suite 410",
    ),
    ("service_address", "1840 Broadway", "1840 Broadway"),
    # the period that ends the sentence is no part of the street
    ("service_address", "the real address is 3515 Fremont Ave N. do i need to call them?", "3515 Fremont Ave N"),
    ("service_address", "PO Box 4411, Austin TX 78701", "PO Box 4411"),
    ("service_address", "I already told you 2 times", None),
    ("service_address", "same as on the bill", None),
    # a corrected house number: the refused one is no part of the address
    ("service_address", "wait, the address is 418 Cedar Ln, not 481. the zip hasn't changed", "418 Cedar Ln"),
    ("service_address", "it's 77 Orchard Rd instead of 7 Orchard Rd", "77 Orchard Rd"),
    ("service_address", "not 90 Lake St, it's 909 Lake St", "909 Lake St"),
    ("service_address", "the 0142 line is the one on our main account", None),
    # --- port dates (today is Monday 2026-11-30)
    ("requested_foc_date", "april 1", "2027-04-01"),
    ("requested_foc_date", "contract ends march 31 so can you set it up to port april 1?", "2027-04-01"),
    ("requested_foc_date", "the first monday after march 31", "2027-04-05"),
    ("requested_foc_date", "next tuesday", "2026-12-01"),
    ("requested_foc_date", "12/15", "2026-12-15"),
    ("requested_foc_date", "Dec 15th please", "2026-12-15"),
    ("requested_foc_date", "on the 15th", "2026-12-15"),
    ("requested_foc_date", "how about friday?", "2026-12-04"),
    ("requested_foc_date", "in two weeks", "2026-12-14"),
    ("requested_foc_date", "two weeks from now", "2026-12-14"),
    ("requested_foc_date", "tomorrow", "2026-12-01"),
    ("requested_foc_date", "Friday, December 4", "2026-12-04"),
    ("requested_foc_date", "12/15/2026", "2026-12-15"),
    ("requested_foc_date", "2026-12-15", "2026-12-15"),
    ("requested_foc_date", "the first business day after december 24", "2026-12-28"),
    ("requested_foc_date", "wednesday the 9th", "2026-12-09"),
    ("requested_foc_date", "port it on friday, not monday", "2026-12-04"),
    ("requested_foc_date", "can I pick the date it moves? a monday", "2026-12-07"),
    ("requested_foc_date", "thurs", "2026-12-03"),
    ("requested_foc_date", "dec 10, no make that dec 11", "2026-12-11"),
    # a day refused after it ("... that day") or before it ("any day but ...") is not the port date
    ("requested_foc_date", "the inspector comes thursday and i'd rather not have the lines move that day", None),
    ("requested_foc_date", "any day but friday", None),
    ("requested_foc_date", "move it on a wednesday? just never a friday, that's our busiest day", "2026-12-02"),
    ("requested_foc_date", "avoid the 15th, the 16th is fine", "2026-12-16"),
    ("requested_foc_date", "we're closed monday so port it tuesday", "2026-12-01"),
    ("requested_foc_date", "asap", None),
    ("requested_foc_date", "whenever works", None),
    ("requested_foc_date", "I paid this morning", None),
    ("requested_foc_date", "the zip is 55402", None),
    ("requested_foc_date", "may I ask something first", None),
    ("requested_foc_date", "I sat on hold for an hour", None),
    # a weekday with a day of the month: the first day that is both
    ("requested_foc_date", "could we go with tuesday the 22nd?", "2026-12-22"),
    ("requested_foc_date", "saturday the 19th would work", "2026-12-19"),
    ("requested_foc_date", "monday the 7th", "2026-12-07"),
    ("requested_foc_date", "sunday the 10th", "2027-01-10"),  # december 10 is a thursday
    (
        "requested_foc_date",
        "can we choose when it moves? we close fridays, so thursday december 17 please",
        "2026-12-17",
    ),
    # --- confirmation numbers
    ("confirmation_number", "done, confirmation number VZ-55821", "VZ-55821"),
    ("confirmation_number", "conf # ab-99812", "AB-99812"),
    ("confirmation_number", "reference number: 7781234", "7781234"),
    ("confirmation_number", "ref# TM4471-22", "TM4471-22"),
    ("confirmation_number", "here it is VZ-55821", "VZ-55821"),
    (
        "confirmation_number",
        "ok I paid centurylink the 212.40 and the 25 fee this morning, confirmation number is CL-88231947",
        "CL-88231947",
    ),
    ("confirmation_number", "ALREADY DONE.", None),
    ("confirmation_number", "it's for PO-10004", None),
    ("confirmation_number", "We settled the past-due balance yesterday ($312.50, ref QX-20458).", "QX-20458"),
    ("confirmation_number", "paid it, ref# 88120", "88120"),
    # --- SSN's last four
    ("ssn_last4", "last four of my social is 1234", "1234"),
    ("ssn_last4", "ssn last 4: 9876", "9876"),
    ("ssn_last4", "last 4 of SSN 5555", "5555"),
    ("ssn_last4", "it's 4321", "4321"),
    ("ssn_last4", "my social is 123-45-6789", "6789"),
    # --- what stays behind on a partial port
    ("remaining_disposition", "keep them", "keep"),
    ("remaining_disposition", "keep everything else active", "keep"),
    ("remaining_disposition", "disconnect the rest", "disconnect"),
    ("remaining_disposition", "cancel 718-555-0119 and 718-555-0120", "disconnect: +17185550119, +17185550120"),
    ("remaining_disposition", "don't disconnect anything", "keep"),
    ("remaining_disposition", "no need to keep the fax line", "disconnect"),
    ("remaining_disposition", "keep the internet but disconnect 718-555-0119", "disconnect: +17185550119"),
    ("remaining_disposition", "cut off 718-555-0119 please", "disconnect: +17185550119"),
    ("remaining_disposition", "we still need the internet", "keep"),
    ("remaining_disposition", "not sure", None),
    ("remaining_disposition", "keep one, cancel the other", None),
    # misspelled key verbs
    ("remaining_disposition", "disconnnect the rest please", "disconnect"),
    ("remaining_disposition", "pls keeep the fax line", "keep"),
    ("remaining_disposition", "cancle everything that isn't moving", "disconnect"),
    ("remaining_disposition", "terminat all of them, the dsl and the 0199 line", "disconnect"),
    ("remaining_disposition", "dont disconect the alarm line", "keep"),
    ("remaining_disposition", "we did a deep clean", None),
    # a disconnect said not to happen keeps; a number said to be moving is never one to disconnect
    (
        "remaining_disposition",
        "only 212-555-0140 is porting. the fax and the alarm line stay put, nothing gets cancelled",
        "keep",
    ),
    ("remaining_disposition", "we're just moving 718-555-0133; the internet stays on. don't cut anything off", "keep"),
    ("remaining_disposition", "no disconnects, 646-555-0190 is the one moving and the other lines stay", "keep"),
    ("remaining_disposition", "nothing should be shut off", "keep"),
    ("remaining_disposition", "we're porting 415-555-0120, disconnect the rest", "disconnect"),
    (
        "remaining_disposition",
        "port 303-555-0150 and 303-555-0151 over, disconnect 303-555-0152",
        "disconnect: +13035550152",
    ),
    ("remaining_disposition", "cancel 212-555-0142 after the port", "disconnect: +12125550142"),
    ("remaining_disposition", "terminate 212-555-0143, we aren't moving it", "disconnect: +12125550143"),
    ("remaining_disposition", "disconnect the remaining lines", "disconnect"),
    ("remaining_disposition", "no, keep them", "keep"),
    # a remark after the value is not part of it
    ("service_address", "the address on file should be 77 Harbor Rd, thats the warehouse", "77 Harbor Rd"),
    (
        "account_name",
        "It's Lakeview Pet Clinic, PLLC. That's just how it appears on the invoice.",
        "Lakeview Pet Clinic, PLLC",
    ),
    ("numbers", "the 0177 nmbr is the one we keep", "0177"),
    ("service_address", "2201 lake avenue south minneapolis mn 55405", "2201 lake avenue south"),
    # the name an account is under, said with its number
    ("account_name", "they gave me account 5521-0093 under Lee Family Dental", "Lee Family Dental"),
    ("account_name", "it's under the name Harbor Light Bakery Inc", "Harbor Light Bakery Inc"),
    ("authorized_title", "ok, how do i fix that", None),
]


@pytest.mark.parametrize(("field", "text", "expected"), CASES)
def test_extract_reads_the_value_out_of_the_sentence(field, text, expected):
    found = extract(field, text, today=TODAY)
    assert (found.value if found else None) == expected


@pytest.mark.parametrize(("field", "text", "expected"), [c for c in CASES if c[2] is not None])
def test_the_span_holds_the_typed_value_without_filler(field, text, expected):
    found = extract(field, text, today=TODAY)
    typed = text[found.span[0] : found.span[1]]
    assert typed == typed.strip(" ,!?:;'\"") and typed
    assert not typed.endswith(".") or expected.endswith(".")  # only an abbreviation keeps its period
    assert not typed.lower().startswith(("as i said", "it's ", "the name is", "i already told you", "same "))


def test_a_toll_free_number_is_flagged_as_no_billing_telephone_number():
    for text in ("the btn is 888-555-0100", "1-800-555-0199", "our main number is (877) 555-0123"):
        found = extract("btn", text, today=TODAY)
        assert found.value.startswith("+18") and "toll-free" in found.problem
    assert extract("btn", "the btn is 512-555-0142", today=TODAY).problem is None
    assert extract("numbers", "888-555-0100", today=TODAY).problem is None  # toll-free numbers may port


# (message, what it carries) for customers who give everything at once or say things before being asked
ALL_AT_ONCE = [
    (
        "Order PO-10004, zip 78701, email hollis@example.com, account name Bayview Dental Group, LLC, "
        "account number 287341190556, BTN 512-555-0142",
        {
            "order_id": "PO-10004",
            "service_zip": "78701",
            "email": "hollis@example.com",
            "account_name": "Bayview Dental Group, LLC",
            "account_number": "287341190556",
            "btn": "+15125550142",
        },
    ),
    ("Hi, my port order PO-10007 was rejected", {"order_id": "PO-10007"}),
    (
        "ok I paid centurylink the 212.40 and the 25 fee this morning, confirmation number is CL-88231947",
        {"confirmation_number": "CL-88231947"},
    ),
    (
        "ok can you fix both? the account number is 287341190556 and the transfer pin 5530921",
        {"account_number": "287341190556", "pin": "5530921"},
    ),
    ("contract ends march 31 so can you set it up to port april 1?", {"requested_foc_date": "2027-04-01"}),
    ("order 10004 and 78701", {"order_id": "PO-10004"}),  # a bare 5-digit number is no ZIP unasked
    (
        "Yes please. I checked our AT&T bill and the account name is Bayview Dental Group, LLC",
        {"account_name": "Bayview Dental Group, LLC"},
    ),
    (
        "the authorized person is Dana Whitfield, Operations Director",
        {"authorized_name": "Dana Whitfield", "authorized_title": "Operations Director"},
    ),
    (
        "the service address is 1840 W Belmont Ave, Chicago IL 60657",
        {"service_address": "1840 W Belmont Ave", "service_zip": "60657"},
    ),
    ("it also had me make a transfer pin, it's 4418207", {"pin": "4418207"}),
    ("last four of my social is 1234", {"ssn_last4": "1234"}),
    ("done, confirmation number VZ-55821", {"confirmation_number": "VZ-55821"}),
    ("I paid this morning", {}),
    ("my account was ported on 11/20", {}),
    ("ALREADY DONE.", {}),
    ("my pin is 1234 and zip 60657", {"pin": "1234", "service_zip": "60657"}),
    ("po 10002, hollis@example.com", {"order_id": "PO-10002", "email": "hollis@example.com"}),
    # a label, other words, then the cue
    (
        "The account name on the AT&T bill is Bayview Dental Group, LLC. Please fix it.",
        {"account_name": "Bayview Dental Group, LLC"},
    ),
    (
        "the company name on our Comcast account is Harbor Point Marina Inc. can you update it",
        {"account_name": "Harbor Point Marina Inc."},
    ),
    ("fwiw the invoice from at&t says Bayview Dental Group, LLC at the top", {}),  # no label: not unprompted
    # the account holder, signer, authorized user: "Name, Title" splits
    (
        "order PO-20028, zip 02134. Leo signed the LOA but the account holder at Spectrum is Nadia Kestrel-Park, "
        "Owner. her email is nadia@kestrelyoga.com",
        {
            "order_id": "PO-20028",
            "service_zip": "02134",
            "authorized_name": "Nadia Kestrel-Park",
            "authorized_title": "Owner",
            "email": "nadia@kestrelyoga.com",
        },
    ),
    (
        "the authorized user at Comcast is Rosa Delgado, Office Manager",
        {"authorized_name": "Rosa Delgado", "authorized_title": "Office Manager"},
    ),
    (
        "the signer on the LOA is Marcus Bell, IT manager",
        {"authorized_name": "Marcus Bell", "authorized_title": "IT manager"},
    ),
    ("owner of the account is Sam Patel", {"authorized_name": "Sam Patel"}),
    # an account number after "for porting", "on the bill"
    (
        "PO-20024 / 90017 / verizon says account number mismatch. The account number for porting is "
        "421555014700001 and my transfer PIN is 775120.",
        {"order_id": "PO-20024", "account_number": "421555014700001", "pin": "775120"},
    ),
    ("the account number on the Verizon bill is 559221009300001", {"account_number": "559221009300001"}),
    ("zip for the office is 60614", {"service_zip": "60614"}),
    # a PIN that is the SSN's last 4 is both
    (
        "my port order PO-20026 was rejected for the PIN. zip 30309. T-Mobile told me the PIN on my account is "
        "the last 4 of my SSN, 8592",
        {"order_id": "PO-20026", "service_zip": "30309", "pin": "8592", "ssn_last4": "8592"},
    ),
    ("the transfer pin for the port is the last 4 of the SSN: 0517", {"pin": "0517", "ssn_last4": "0517"}),
    (
        "Verizon wants a PIN. the passcode on our account is the last four of my social security number, 3306",
        {"pin": "3306", "ssn_last4": "3306"},
    ),
    # a secret given further on than its label; a labeled ZIP is still never the PIN
    ("scrap the transfer pin from before, T-Mobile sent a new one and it is 30418", {"pin": "30418"}),
    ("that passcode expired. the replacement is 7719", {"pin": "7719"}),
    ("ignore the security code I sent earlier, now it's 662901", {"pin": "662901"}),
    ("the pin I had was rejected, zip is 94110", {"service_zip": "94110"}),
    ("forget the pin, 94110 is the zip", {"service_zip": "94110"}),
    ("the pin hasn't worked since 2019", {}),
    # a corrected value: the refused one is never read
    ("sorry, the zip over there is 02140, not 02139", {"service_zip": "02140"}),
    ("pin is 5521 not 5512", {"pin": "5521"}),
    # a reference for a step done with the carrier, in a long first message
    ("We settled the past-due balance yesterday ($312.50, ref QX-20458).", {"confirmation_number": "QX-20458"}),
    (
        "order PO-10031, zip 94110. paid off the contract this morning (conf BR-55019) and we'd like it to port "
        "on december 18",
        {
            "order_id": "PO-10031",
            "service_zip": "94110",
            "confirmation_number": "BR-55019",
            "requested_foc_date": "2026-12-18",
        },
    ),
    ("I found a referral code on the bill", {}),
    # hedges around the person's name
    (
        "fairly sure the account holder is me actually, Bea Lindgren, Clinic Director",
        {"authorized_name": "Bea Lindgren", "authorized_title": "Clinic Director"},
    ),
    (
        "the authorized user is probably Tomás Ruiz tho, office manager",
        {"authorized_name": "Tomás Ruiz", "authorized_title": "Office Manager"},
    ),
    # a correction of the name and the title at the summary: "the name should be" is the account name there,
    # which `fixes.values_for` gives the name the fix asks for; "not her" refuses nothing
    (
        "nope, the name should be Omar Haddad and title Practice Manager. not her",
        {"account_name": "Omar Haddad", "authorized_title": "Practice Manager"},
    ),
    (
        "that's not right - name needs to be Lucia Ferreira, title: Co-Owner",
        {"account_name": "Lucia Ferreira", "authorized_title": "Co-Owner"},
    ),
    (
        "wrong one. his name must be Theo Brandt and his title Controller",
        {"account_name": "Theo Brandt", "authorized_title": "Controller"},
    ),
    ("her title is Treasurer, not Secretary", {"authorized_title": "Treasurer"}),
    ("her last name should be Quist", {}),  # a part of the name
    ("Stewart Title Co", {}),  # a word of a company's name
    ("we're a title company", {}),
    ("the title on the LOA is wrong", {}),
    # a label in a question, its value in the next sentence
    ("could you verify the acct number? should be 60614-2231, dash and all", {"account_number": "606142231"}),
    ("did the zip go through? it should be 94110", {"service_zip": "94110"}),
    ("is the btn right? it should be 415-555-0186", {"btn": "+14155550186"}),
    ("can you check the account number? my zip is 60615", {"service_zip": "60615"}),
    ("is the account number right? we moved in 2019", {}),  # no cue before the year
]


@pytest.mark.parametrize(("text", "expected"), ALL_AT_ONCE)
def test_extract_all_reads_labeled_and_unambiguous_values(text, expected):
    assert {field: found.value for field, found in extract_all(text, today=TODAY).items()} == expected


@pytest.mark.parametrize(
    ("text", "asked", "expected"),
    [
        ("order 10004 and 78701", "service_zip", {"order_id": "PO-10004", "service_zip": "78701"}),
        (
            "Dana Whitfield, Operations Director",
            "authorized_name",
            {"authorized_name": "Dana Whitfield", "authorized_title": "Operations Director"},
        ),
        (
            "the name I gave you is wrong. it should be Jonathan Reyes",
            "authorized_title",
            {"authorized_name": "Jonathan Reyes"},
        ),
        (
            "1840 W Belmont Ave Apt 3, Chicago IL 60657",
            "service_address",
            {"service_address": "1840 W Belmont Ave Apt 3", "service_zip": "60657"},
        ),
        ("4418207", "pin", {"pin": "4418207"}),
        ("the btn is 888-555-0100", None, {"btn": "+18885550100"}),
        (
            "the account is under our treasurer, Miguel Santos-Reyes.",
            "authorized_name",
            {"authorized_name": "Miguel Santos-Reyes", "authorized_title": "Treasurer"},
        ),
        (
            "no the name should be Omar Haddad and title Owner. not me",
            "authorized_name",
            {"authorized_name": "Omar Haddad", "authorized_title": "Owner"},  # the asked name only
        ),
        (
            "the name has to be Priya Raman, title Office Manager",
            "authorized_title",
            {"authorized_name": "Priya Raman", "authorized_title": "Office Manager"},
        ),
        (
            "hold on, the address is 2200 Elm Rd, not 2020. same zip 80203",
            "service_address",
            {"service_address": "2200 Elm Rd", "service_zip": "80203"},
        ),
    ],
)
def test_extract_all_with_the_asked_field_reads_it_and_its_companion(text, asked, expected):
    found = extract_all(text, asked=asked, today=TODAY)
    assert {field: value.value for field, value in found.items()} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I misspelled her last name, it's Quist not Quest", ("Quist", "Quest")),
        ("Okafor-Hart instead of Okafor Hart", ("Okafor-Hart", "Okafor Hart")),
        ("oops, Brennan should be Brennen", ("Brennen", "Brennan")),
        ("not Lisa but Liza", ("Liza", "Lisa")),
        ("not Jon, it's John", ("John", "Jon")),
        ("the street is Elm Rd, not Elm Ave", ("Elm Rd", "Elm Ave")),
        ("I'm not sure which one", None),
        ("please do not cancel anything", None),
        ("her surname should be fixed", None),
        ("it should be the 16th", None),
        ("Marsh", None),
        ("", None),
    ],
)
def test_a_partial_correction_gives_the_new_and_the_old_words(text, expected):
    assert replacement(text) == expected


def test_a_weekday_with_a_day_of_the_month_may_be_today():
    assert extract("requested_foc_date", "tuesday the 1st", today=date(2026, 12, 1)).value == "2026-12-01"


@pytest.mark.parametrize(
    "text",
    ["ALREADY DONE.", "i just told you.", "I already told you", "same as before", "ugh", "??", "", "ok", "see above"],
)
def test_a_complaint_or_filler_is_only_filler(text):
    assert is_only_filler(text)


@pytest.mark.parametrize(
    "text",
    ["I already told you. 64112", "Jonathan Reyes", "hollis@example.com", "I don't know", "Bayview Dental Group, LLC"],
)
def test_a_message_with_a_value_or_a_question_is_not_filler(text):
    assert not is_only_filler(text)


def test_secrets_are_the_pin_the_account_number_and_the_ssn_digits():
    assert SECRET_FIELDS == {"pin", "account_number", "ssn_last4"}


def test_masked_hides_every_secret_where_it_was_typed():
    text = "the account number is 287341190556, the transfer pin 5530921, and last four of my social is 1234"
    shown = masked(text, extract_all(text, today=TODAY))
    assert "287341190556" not in shown and "5530921" not in shown and "1234" not in shown
    assert shown.startswith("the account number is ••••")


def test_a_whole_ssn_typed_keeps_its_last_four_and_is_masked_whole():
    text = "my social is 123-45-6789"
    found = extract_all(text, today=TODAY)
    assert found["ssn_last4"].value == "6789" and "123-45" not in masked(text, found)


def test_a_long_message_takes_linear_time():
    many_sentences = ("account name on the bill is Bob. " * 1500, "Acme LLC. " * 5000, "account holder at x is " * 2500)
    for text in ("a" * 50000, "pin " * 12500, "12-" * 16000, *many_sentences):  # a pasted document, say
        started = time.perf_counter()
        extract_all(text, asked="account_name", today=TODAY)
        assert time.perf_counter() - started < 5  # well under 1 s; a scan from every position took ~20 s


def test_a_dashed_account_number_is_masked_as_typed():
    text = "As I said, it's 482019375-00001"
    found = {"account_number": extract("account_number", text, today=TODAY)}
    assert "482019375" not in masked(text, found)


def test_an_unknown_field_is_a_programming_error():
    with pytest.raises(KeyError, match="checklist_note"):
        extract("checklist_note", "done")


def test_every_form_slot_with_a_typed_value_has_a_reader():
    from bot.core.catalog import load_catalog
    from bot.core.fixes import UNDERLYING_CARRIER

    # the network a resold line runs on is read by bot.core.fixes: it must differ from the reseller
    asked = {field.id for field in load_catalog().fields if not field.note} - {UNDERLYING_CARRIER}
    assert asked <= set(FIELDS)


# ----------------------------------------------------------------------------- properties

_FILLER = ["", "the zip is ", "I already told you. ", "same ", "it's ", "As I said, ", "zip code: ", "ok so "]
_ENDING = ["", ".", "!!", " thanks", "?"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), text=st.text(max_size=120))
def test_extract_never_raises_and_its_span_is_inside_the_text(field, text):
    found = extract(field, text, today=TODAY)
    if found:
        assert 0 <= found.span[0] < found.span[1] <= len(text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.lists(
        st.sampled_from(
            ["zip", "pin", "12345", "PO-10004", "212.40", "415-555-0186", "april 1", "it's", ", ", "a@b.co"]
        )
        | st.text(max_size=10),
        max_size=12,
    ).map(" ".join)
)
def test_extract_all_never_raises_and_its_spans_are_inside_the_text(text):
    for found in extract_all(text, today=TODAY).values():
        assert 0 <= found.span[0] < found.span[1] <= len(text)


@settings(max_examples=100, deadline=None)
@given(
    lead=st.sampled_from(_FILLER),
    zip_code=st.from_regex(r"[0-9]{5}", fullmatch=True),
    end=st.sampled_from(_ENDING),
)
def test_a_zip_in_any_filler_is_read_as_typed(lead, zip_code, end):
    text = f"{lead}{zip_code}{end}"
    found = extract("service_zip", text, today=TODAY)
    assert found.value == zip_code and text[found.span[0] : found.span[1]] == zip_code


@settings(max_examples=100, deadline=None)
@given(
    zip_code=st.from_regex(r"[0-9]{5}", fullmatch=True),
    pin=st.from_regex(r"[0-9]{4,8}", fullmatch=True),
    zip_first=st.booleans(),
)
def test_a_labeled_zip_is_never_the_pin(zip_code, pin, zip_first):
    parts = [f"zip {zip_code}", f"pin {pin}"]
    text = " and ".join(parts if zip_first else parts[::-1])
    assert extract("pin", text, today=TODAY).value == pin
    assert extract("service_zip", text, today=TODAY).value == zip_code
    assert extract("pin", f"the zip is {zip_code}", today=TODAY) is None


def test_nothing_reaches_the_network_at_import_or_at_run_time():
    """dateparser, usaddress and probablepeople must work offline: sockets fail in this interpreter."""
    probe = (
        "import socket\n"
        "def refuse(*args, **kwargs): raise OSError('no network in the extraction')\n"
        "socket.socket.connect = socket.socket.connect_ex = socket.create_connection = refuse\n"
        "from datetime import date\n"
        "from bot.core.answers import extract_all\n"
        "found = extract_all('the authorized person is Dana Whitfield, port it april 1, address 1840 W Belmont Ave',"
        " today=date(2026, 11, 30))\n"
        "print(sorted(found))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "requested_foc_date" in result.stdout and "authorized_name" in result.stdout


def test_a_pinned_today_is_what_relative_dates_are_read_from(monkeypatch):
    monkeypatch.setenv("PORTING_TODAY", "2026-12-01")
    assert extract("requested_foc_date", "next friday please").value == "2026-12-04"
    monkeypatch.delenv("PORTING_TODAY")
    assert extract("requested_foc_date", "december 4 2030").value == "2030-12-04"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("our contract with them ends december 18", "2026-12-21"),  # a Friday: the Monday after
        ("the term agreement runs until 2026-12-14, so after that", "2026-12-15"),
        ("Term agreement in effect until 2027-03-31.", None),  # months away: no port date yet
        ("contract ends dec 18 but port it on december 28 please", "2026-12-28"),  # a date asked for wins
        ("the contract expired last year", None),
    ],
)
def test_a_contract_end_makes_the_port_date_the_next_business_day(text, expected):
    found = extract_all(text, today=date(2026, 12, 1)).get("requested_foc_date")
    assert (found.value if found else None) == expected


@pytest.mark.parametrize(
    "text",
    ["the owner is Priya Raman now, title Owner", "it should be Priya Raman instead", "Priya Raman currently"],
)
def test_a_word_saying_when_is_not_part_of_the_name(text):
    found = extract_all(text, today=TODAY, asked="authorized_name")
    assert found["authorized_name"].value == "Priya Raman"
    assert "authorized_title" not in found or found["authorized_title"].value == "Owner"
