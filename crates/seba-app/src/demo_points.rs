//! Demo service points, and agent points generated in bulk for scale tests.
//!
//! [`demo_points`] is the directory a demo shows: 279 customer-care centres over all 64
//! districts (more where more people live), the four centres being opened (Bagher Bazar
//! and Kashimpur in Gazipur, Hemayetpur in Savar, Kalurghat in Chattogram), pop-up desks
//! at fairs and cattle markets, G2P points at upazila offices, and drop boxes outside some
//! centres. Centres sit at real town positions, each checked against the district
//! boundaries; every one carries [`DEMO_NOTICE_BN`] / [`DEMO_NOTICE_EN`] so that nobody
//! walks to a demo address.
//!
//! [`agent_points`] places any number of agent points the way real agents cluster:
//! tight around the same towns, thinning out into the countryside, in proportion to how
//! many centres a district has (itself roughly by population). [`generate_agents`] stores
//! them in batches; it is what `seba points generate --agents N` runs.
//!
//! Everything here is deterministic: the demo from a fixed seed, the agents from the
//! caller's.

use std::f64::consts::PI;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use seba_core::text::bengali_digits;
use seba_geo::{District, DistrictId, Geography, UpazilaId};
use seba_locator::points::{Checked, PointInput};

use crate::cases::Caller;
use crate::{App, AppError};

/// The mark on every demo point, in its notice.
pub const DEMO_NOTICE_BN: &str = "ডেমো তথ্য — প্রকৃত কেন্দ্র নয়";
pub const DEMO_NOTICE_EN: &str = "Demo data — not a real centre";

/// The mark on every generated agent point.
pub const GENERATED_NOTICE_BN: &str = "পরীক্ষার জন্য তৈরি তথ্য — প্রকৃত এজেন্ট নয়";
pub const GENERATED_NOTICE_EN: &str = "Generated test data — not a real agent";

/// How many agent points [`generate_agents`] stores per transaction.
pub const AGENT_BATCH: usize = 5_000;

/// Set once the demo points were loaded, or found unnecessary because points existed.
const LOADED_KEY: &str = "demo_points_loaded";

/// The seed of the demo's small jitter, so the demo is the same on every machine.
const DEMO_SEED: u64 = 0x5EBA_2026;

/// A town (or a city neighbourhood) with a centre, at its real position.
struct Town {
    district: &'static str,
    /// The upazila by its English name in the geography; empty inside a city corporation,
    /// whose neighbourhoods the upazila list does not cover.
    upazila: &'static str,
    bn: &'static str,
    en: &'static str,
    lat: f64,
    lon: f64,
}

const fn t(
    district: &'static str,
    upazila: &'static str,
    bn: &'static str,
    en: &'static str,
    lat: f64,
    lon: f64,
) -> Town {
    Town {
        district,
        upazila,
        bn,
        en,
        lat,
        lon,
    }
}

/// One customer-care centre per row: 279, in every district, more where more people live.
/// The first row of each district is its headquarters town.
#[rustfmt::skip]
const TOWNS: &[Town] = &[
    // Dhaka division
    t("Dhaka", "", "মতিঝিল", "Motijheel", 23.7330, 90.4172),
    t("Dhaka", "", "গুলশান", "Gulshan", 23.7925, 90.4150),
    t("Dhaka", "", "বনানী", "Banani", 23.7937, 90.4010),
    t("Dhaka", "", "ধানমন্ডি", "Dhanmondi", 23.7461, 90.3742),
    t("Dhaka", "", "মিরপুর", "Mirpur", 23.8069, 90.3687),
    t("Dhaka", "", "পল্লবী", "Pallabi", 23.8270, 90.3650),
    t("Dhaka", "", "উত্তরা", "Uttara", 23.8700, 90.3950),
    t("Dhaka", "", "মোহাম্মদপুর", "Mohammadpur", 23.7662, 90.3589),
    t("Dhaka", "", "ফার্মগেট", "Farmgate", 23.7575, 90.3900),
    t("Dhaka", "", "পান্থপথ", "Panthapath", 23.7517, 90.3856),
    t("Dhaka", "", "বাড্ডা", "Badda", 23.7806, 90.4262),
    t("Dhaka", "", "রামপুরা", "Rampura", 23.7610, 90.4217),
    t("Dhaka", "", "মালিবাগ", "Malibagh", 23.7487, 90.4120),
    t("Dhaka", "", "যাত্রাবাড়ী", "Jatrabari", 23.7104, 90.4349),
    t("Dhaka", "", "লালবাগ", "Lalbagh", 23.7190, 90.3880),
    t("Dhaka", "", "সূত্রাপুর", "Sutrapur", 23.7110, 90.4160),
    t("Dhaka", "", "খিলগাঁও", "Khilgaon", 23.7516, 90.4265),
    t("Dhaka", "", "মুগদা", "Mugda", 23.7306, 90.4308),
    t("Dhaka", "", "শ্যামলী", "Shyamoli", 23.7747, 90.3654),
    t("Dhaka", "", "কারওয়ান বাজার", "Karwan Bazar", 23.7509, 90.3935),
    t("Dhaka", "", "তেজগাঁও", "Tejgaon", 23.7638, 90.3988),
    t("Dhaka", "", "মহাখালী", "Mohakhali", 23.7778, 90.4050),
    t("Dhaka", "", "বসুন্ধরা", "Bashundhara", 23.8193, 90.4326),
    t("Dhaka", "", "খিলক্ষেত", "Khilkhet", 23.8300, 90.4200),
    t("Dhaka", "", "দক্ষিণখান", "Dakshinkhan", 23.8585, 90.4190),
    t("Dhaka", "", "কামরাঙ্গীরচর", "Kamrangirchar", 23.7235, 90.3700),
    t("Dhaka", "", "ডেমরা", "Demra", 23.7180, 90.4780),
    t("Dhaka", "", "গাবতলী", "Gabtoli", 23.7830, 90.3460),
    t("Dhaka", "", "আজিমপুর", "Azimpur", 23.7270, 90.3850),
    t("Dhaka", "", "শান্তিনগর", "Shantinagar", 23.7400, 90.4140),
    t("Dhaka", "", "কল্যাণপুর", "Kallyanpur", 23.7820, 90.3600),
    t("Dhaka", "", "ওয়ারী", "Wari", 23.7190, 90.4190),
    t("Dhaka", "", "মগবাজার", "Moghbazar", 23.7490, 90.4050),
    t("Dhaka", "", "কুড়িল", "Kuril", 23.8180, 90.4210),
    t("Dhaka", "Savar", "সাভার", "Savar", 23.8583, 90.2667),
    t("Dhaka", "Savar", "হেমায়েতপুর", "Hemayetpur", 23.7935, 90.2720),
    t("Dhaka", "Savar", "আশুলিয়া", "Ashulia", 23.8950, 90.3100),
    t("Dhaka", "Keraniganj", "কেরাণীগঞ্জ", "Keraniganj", 23.6950, 90.3800),
    t("Dhaka", "Dhamrai", "ধামরাই", "Dhamrai", 23.9080, 90.2100),
    t("Dhaka", "Dohar", "দোহার", "Dohar", 23.5950, 90.1400),
    t("Gazipur", "Gazipur Sadar", "জয়দেবপুর", "Joydebpur", 23.9990, 90.4200),
    t("Gazipur", "Gazipur Sadar", "টঙ্গী", "Tongi", 23.9050, 90.4070),
    t("Gazipur", "Gazipur Sadar", "বোর্ড বাজার", "Board Bazar", 23.9480, 90.3820),
    t("Gazipur", "Gazipur Sadar", "চৌরাস্তা", "Chowrasta", 23.9990, 90.3960),
    t("Gazipur", "Gazipur Sadar", "কোনাবাড়ী", "Konabari", 24.0000, 90.3350),
    t("Gazipur", "Gazipur Sadar", "কাশিমপুর", "Kashimpur", 23.9880, 90.3120),
    t("Gazipur", "Gazipur Sadar", "বাঘের বাজার", "Bagher Bazar", 24.0650, 90.3980),
    t("Gazipur", "Sreepur", "শ্রীপুর", "Sreepur", 24.2000, 90.4750),
    t("Gazipur", "Sreepur", "মাওনা", "Mawna", 24.2236, 90.3950),
    t("Gazipur", "Kaliakair", "কালিয়াকৈর", "Kaliakair", 24.0700, 90.2250),
    t("Gazipur", "Kapasia", "কাপাসিয়া", "Kapasia", 24.1020, 90.5660),
    t("Gazipur", "Kaliganj", "কালীগঞ্জ", "Kaliganj", 23.9220, 90.5610),
    t("Narayanganj", "Narayanganj Sadar", "চাষাড়া", "Chashara", 23.6240, 90.5000),
    t("Narayanganj", "Narayanganj Sadar", "ফতুল্লা", "Fatullah", 23.6350, 90.4820),
    t("Narayanganj", "Narayanganj Sadar", "সিদ্ধিরগঞ্জ", "Siddhirganj", 23.6880, 90.5130),
    t("Narayanganj", "Sonargaon", "কাঁচপুর", "Kanchpur", 23.7000, 90.5420),
    t("Narayanganj", "Bandar", "বন্দর", "Bandar", 23.6100, 90.5250),
    t("Narayanganj", "Rupganj", "ভুলতা", "Bhulta", 23.7720, 90.5530),
    t("Narayanganj", "Rupganj", "রূপগঞ্জ", "Rupganj", 23.7800, 90.5180),
    t("Narayanganj", "Sonargaon", "সোনারগাঁ", "Sonargaon", 23.6520, 90.6030),
    t("Narayanganj", "Araihazar", "আড়াইহাজার", "Araihazar", 23.7870, 90.6550),
    t("Narsingdi", "Narsingdi Sadar", "নরসিংদী", "Narsingdi", 23.9230, 90.7150),
    t("Narsingdi", "Narsingdi Sadar", "মাধবদী", "Madhabdi", 23.9020, 90.6940),
    t("Narsingdi", "Shibpur", "শিবপুর", "Shibpur", 24.0330, 90.7420),
    t("Narsingdi", "Monohardi", "মনোহরদী", "Monohardi", 24.1370, 90.7070),
    t("Narsingdi", "Raipura", "রায়পুরা", "Raipura", 23.9710, 90.8560),
    t("Tangail", "Tangail Sadar", "টাঙ্গাইল", "Tangail", 24.2510, 89.9170),
    t("Tangail", "Mirzapur", "মির্জাপুর", "Mirzapur", 24.1070, 90.0970),
    t("Tangail", "Madhupur", "মধুপুর", "Madhupur", 24.6140, 90.0270),
    t("Tangail", "Ghatail", "ঘাটাইল", "Ghatail", 24.4810, 89.9820),
    t("Tangail", "Kalihati", "এলেঙ্গা", "Elenga", 24.3400, 89.9280),
    t("Tangail", "Gopalpur", "গোপালপুর", "Gopalpur", 24.5600, 89.9170),
    t("Kishoreganj", "Kishoreganj Sadar", "কিশোরগঞ্জ", "Kishoreganj", 24.4330, 90.7800),
    t("Kishoreganj", "Bhairab", "ভৈরব", "Bhairab", 24.0510, 90.9760),
    t("Kishoreganj", "Bajitpur", "বাজিতপুর", "Bajitpur", 24.2140, 90.9500),
    t("Kishoreganj", "Katiadi", "কটিয়াদী", "Katiadi", 24.2460, 90.7900),
    t("Manikganj", "Manikganj Sadar", "মানিকগঞ্জ", "Manikganj", 23.8610, 90.0040),
    t("Manikganj", "Singiar", "সিংগাইর", "Singair", 23.8150, 90.1500),
    t("Munshiganj", "Munshiganj Sadar", "মুন্সিগঞ্জ", "Munshiganj", 23.5430, 90.5300),
    t("Munshiganj", "Sreenagar", "শ্রীনগর", "Sreenagar", 23.5300, 90.2900),
    t("Rajbari", "Rajbari Sadar", "রাজবাড়ী", "Rajbari", 23.7570, 89.6440),
    t("Rajbari", "Pangsa", "পাংশা", "Pangsha", 23.7925, 89.4160),
    t("Madaripur", "Madaripur Sadar", "মাদারীপুর", "Madaripur", 23.1640, 90.1900),
    t("Madaripur", "Shibchar", "শিবচর", "Shibchar", 23.3470, 90.1650),
    t("Gopalganj", "Gopalganj Sadar", "গোপালগঞ্জ", "Gopalganj", 23.0050, 89.8270),
    t("Gopalganj", "Tungipara", "টুঙ্গিপাড়া", "Tungipara", 22.9010, 89.8960),
    t("Faridpur", "Faridpur Sadar", "ফরিদপুর", "Faridpur", 23.6070, 89.8430),
    t("Faridpur", "Bhanga", "ভাঙ্গা", "Bhanga", 23.3830, 89.9850),
    t("Faridpur", "Boalmari", "বোয়ালমারী", "Boalmari", 23.3920, 89.6870),
    t("Shariatpur", "Shariatpur Sadar", "শরীয়তপুর", "Shariatpur", 23.2060, 90.3480),
    t("Shariatpur", "Naria", "নড়িয়া", "Naria", 23.2980, 90.4150),
    // Chattogram division
    t("Chattogram", "", "আগ্রাবাদ", "Agrabad", 22.3260, 91.8110),
    t("Chattogram", "", "জিইসি মোড়", "GEC Mor", 22.3590, 91.8220),
    t("Chattogram", "", "চকবাজার", "Chawkbazar", 22.3500, 91.8390),
    t("Chattogram", "", "বহদ্দারহাট", "Bahaddarhat", 22.3700, 91.8470),
    t("Chattogram", "", "মুরাদপুর", "Muradpur", 22.3670, 91.8330),
    t("Chattogram", "", "হালিশহর", "Halishahar", 22.3290, 91.7800),
    t("Chattogram", "", "অক্সিজেন", "Oxygen", 22.3920, 91.8220),
    t("Chattogram", "", "আন্দরকিল্লা", "Anderkilla", 22.3400, 91.8360),
    t("Chattogram", "", "কালুরঘাট", "Kalurghat", 22.3940, 91.8720),
    t("Chattogram", "", "পতেঙ্গা", "Patenga", 22.2580, 91.7970),
    t("Chattogram", "", "ইপিজেড", "EPZ", 22.2950, 91.7850),
    t("Chattogram", "", "পাহাড়তলী", "Pahartali", 22.3560, 91.7990),
    t("Chattogram", "", "চান্দগাঁও", "Chandgaon", 22.3750, 91.8600),
    t("Chattogram", "", "বাকলিয়া", "Bakalia", 22.3450, 91.8500),
    t("Chattogram", "Hathazari", "হাটহাজারী", "Hathazari", 22.5040, 91.8100),
    t("Chattogram", "Patiya", "পটিয়া", "Patiya", 22.2960, 91.9790),
    t("Chattogram", "Sitakunda", "সীতাকুণ্ড", "Sitakunda", 22.6200, 91.6620),
    t("Chattogram", "Mirsharai", "মীরসরাই", "Mirsharai", 22.7720, 91.5750),
    t("Chattogram", "Raozan", "রাউজান", "Raozan", 22.5330, 91.9170),
    t("Chattogram", "Rangunia", "রাঙ্গুনিয়া", "Rangunia", 22.4700, 92.0300),
    t("Chattogram", "Satkania", "সাতকানিয়া", "Satkania", 22.0760, 92.0490),
    t("Chattogram", "Banshkhali", "বাঁশখালী", "Banshkhali", 22.0350, 91.9350),
    t("Cumilla", "Cumilla Sadar", "কান্দিরপাড়", "Kandirpar", 23.4610, 91.1830),
    t("Cumilla", "Laksam", "লাকসাম", "Laksam", 23.2470, 91.1300),
    t("Cumilla", "Chauddagram", "চৌদ্দগ্রাম", "Chauddagram", 23.2200, 91.3100),
    t("Cumilla", "Daudkandi", "দাউদকান্দি", "Daudkandi", 23.5300, 90.7200),
    t("Cumilla", "Debidwar", "দেবিদ্বার", "Debidwar", 23.6000, 91.0000),
    t("Cumilla", "Chandina", "চান্দিনা", "Chandina", 23.4860, 90.9790),
    t("Cumilla", "Muradnagar", "মুরাদনগর", "Muradnagar", 23.6450, 90.9330),
    t("Cumilla", "Barura", "বরুড়া", "Barura", 23.3720, 91.0000),
    t("Cumilla", "Burichang", "বুড়িচং", "Burichang", 23.5500, 91.1300),
    t("Cumilla", "Homna", "হোমনা", "Homna", 23.6850, 90.7880),
    t("Brahmanbaria", "Brahmanbaria Sadar", "ব্রাহ্মণবাড়িয়া", "Brahmanbaria", 23.9570, 91.1120),
    t("Brahmanbaria", "Ashuganj", "আশুগঞ্জ", "Ashuganj", 24.0350, 91.0100),
    t("Brahmanbaria", "Sarail", "সরাইল", "Sarail", 24.0700, 91.1150),
    t("Brahmanbaria", "Nabinagar", "নবীনগর", "Nabinagar", 23.8850, 90.9700),
    t("Noakhali", "Noakhali Sadar", "মাইজদী", "Maijdee", 22.8690, 91.0990),
    t("Noakhali", "Begumganj", "চৌমুহনী", "Chowmuhani", 22.9400, 91.1100),
    t("Noakhali", "Companiganj", "বসুরহাট", "Basurhat", 22.8700, 91.2800),
    t("Noakhali", "Senbug", "সেনবাগ", "Senbag", 23.0000, 91.2200),
    t("Noakhali", "Hatia", "হাতিয়া", "Hatiya", 22.3600, 91.1200),
    t("Chandpur", "Chandpur Sadar", "চাঁদপুর", "Chandpur", 23.2330, 90.6710),
    t("Chandpur", "Hajiganj", "হাজীগঞ্জ", "Hajiganj", 23.2500, 90.8550),
    t("Chandpur", "Matlab South", "মতলব", "Matlab", 23.3550, 90.7100),
    t("Chandpur", "Kachua", "কচুয়া", "Kachua", 23.3600, 90.8800),
    t("Lakshmipur", "Lakshmipur Sadar", "লক্ষ্মীপুর", "Lakshmipur", 22.9420, 90.8410),
    t("Lakshmipur", "Raipur", "রায়পুর", "Raipur", 23.0390, 90.7700),
    t("Lakshmipur", "Ramganj", "রামগঞ্জ", "Ramganj", 23.0970, 90.8530),
    t("Feni", "Feni Sadar", "ফেনী", "Feni", 23.0160, 91.3970),
    t("Feni", "Daganbhuiyan", "দাগনভূঞা", "Daganbhuiyan", 22.9260, 91.3070),
    t("Feni", "Chhagalnaiya", "ছাগলনাইয়া", "Chhagalnaiya", 23.0280, 91.5100),
    t("Cox's Bazar", "Coxsbazar Sadar", "কক্সবাজার", "Cox's Bazar", 21.4500, 91.9800),
    t("Cox's Bazar", "Chakaria", "চকরিয়া", "Chakaria", 21.7770, 92.0770),
    t("Cox's Bazar", "Teknaf", "টেকনাফ", "Teknaf", 20.8620, 92.3050),
    t("Cox's Bazar", "Ukhiya", "উখিয়া", "Ukhiya", 21.2860, 92.0960),
    t("Khagrachhari", "Khagrachhari Sadar", "খাগড়াছড়ি", "Khagrachhari", 23.1190, 91.9850),
    t("Rangamati", "Rangamati Sadar", "রাঙ্গামাটি", "Rangamati", 22.6556, 92.1754),
    t("Bandarban", "Bandarban Sadar", "বান্দরবান", "Bandarban", 22.1950, 92.2180),
    // Rajshahi division
    t("Rajshahi", "", "সাহেব বাজার", "Shaheb Bazar", 24.3660, 88.5970),
    t("Rajshahi", "", "উপশহর", "Uposhohor", 24.3730, 88.6150),
    t("Rajshahi", "Godagari", "গোদাগাড়ী", "Godagari", 24.4650, 88.3300),
    t("Rajshahi", "Puthia", "পুঠিয়া", "Puthia", 24.3680, 88.8370),
    t("Rajshahi", "Bagmara", "বাগমারা", "Bagmara", 24.5680, 88.8160),
    t("Rajshahi", "Charghat", "চারঘাট", "Charghat", 24.2830, 88.7620),
    t("Bogura", "Bogura Sadar", "সাতমাথা", "Satmatha", 24.8480, 89.3730),
    t("Bogura", "Sherpur", "শেরপুর", "Sherpur", 24.6330, 89.4170),
    t("Bogura", "Shibganj", "শিবগঞ্জ", "Shibganj", 24.9530, 89.3170),
    t("Bogura", "Gabtali", "গাবতলী", "Gabtali", 24.8800, 89.4500),
    t("Bogura", "Dhunot", "ধুনট", "Dhunat", 24.6810, 89.5300),
    t("Bogura", "Dupchanchia", "দুপচাঁচিয়া", "Dupchanchia", 24.8720, 89.1640),
    t("Sirajganj", "Sirajganj Sadar", "সিরাজগঞ্জ", "Sirajganj", 24.4530, 89.7000),
    t("Sirajganj", "Ullapara", "উল্লাপাড়া", "Ullapara", 24.3160, 89.5700),
    t("Sirajganj", "Shahjadpur", "শাহজাদপুর", "Shahjadpur", 24.1770, 89.5980),
    t("Sirajganj", "Belkuchi", "বেলকুচি", "Belkuchi", 24.2960, 89.7000),
    t("Pabna", "Pabna Sadar", "পাবনা", "Pabna", 24.0060, 89.2370),
    t("Pabna", "Ishurdi", "ঈশ্বরদী", "Ishwardi", 24.1300, 89.0700),
    t("Pabna", "Bera", "বেড়া", "Bera", 24.0760, 89.6250),
    t("Pabna", "Chatmohar", "চাটমোহর", "Chatmohar", 24.2340, 89.2880),
    t("Naogaon", "Naogaon Sadar", "নওগাঁ", "Naogaon", 24.8100, 88.9400),
    t("Naogaon", "Mohadevpur", "মহাদেবপুর", "Mohadevpur", 24.8970, 88.7280),
    t("Naogaon", "Patnitala", "পত্নীতলা", "Patnitala", 25.0500, 88.7700),
    t("Natore", "Natore Sadar", "নাটোর", "Natore", 24.4200, 89.0000),
    t("Natore", "Singra", "সিংড়া", "Singra", 24.5030, 89.1350),
    t("Chapainawabganj", "Chapainawabganj Sadar", "চাঁপাইনবাবগঞ্জ", "Chapainawabganj", 24.5970, 88.2780),
    t("Chapainawabganj", "Shibganj", "শিবগঞ্জ", "Shibganj", 24.6820, 88.1610),
    t("Joypurhat", "Joypurhat Sadar", "জয়পুরহাট", "Joypurhat", 25.0960, 89.0400),
    t("Joypurhat", "Panchbibi", "পাঁচবিবি", "Panchbibi", 25.1870, 89.0210),
    // Khulna division
    t("Khulna", "", "শিববাড়ী", "Shibbari", 22.8160, 89.5600),
    t("Khulna", "", "দৌলতপুর", "Daulatpur", 22.8760, 89.5170),
    t("Khulna", "", "খালিশপুর", "Khalishpur", 22.8500, 89.5400),
    t("Khulna", "Dumuria", "ডুমুরিয়া", "Dumuria", 22.8100, 89.4250),
    t("Khulna", "Paikgasa", "পাইকগাছা", "Paikgachha", 22.5880, 89.3340),
    t("Khulna", "Fultola", "ফুলতলা", "Fultala", 22.9650, 89.4600),
    t("Jashore", "Jashore Sadar", "যশোর", "Jashore", 23.1660, 89.2080),
    t("Jashore", "Sharsha", "বেনাপোল", "Benapole", 23.0440, 88.8930),
    t("Jashore", "Jhikargacha", "ঝিকরগাছা", "Jhikargachha", 23.1010, 89.1000),
    t("Jashore", "Manirampur", "মণিরামপুর", "Manirampur", 23.0130, 89.2330),
    t("Satkhira", "Satkhira Sadar", "সাতক্ষীরা", "Satkhira", 22.7180, 89.0700),
    t("Satkhira", "Kalaroa", "কলারোয়া", "Kalaroa", 22.8720, 89.0370),
    t("Satkhira", "Shyamnagar", "শ্যামনগর", "Shyamnagar", 22.3350, 89.1020),
    t("Kushtia", "Kushtia Sadar", "কুষ্টিয়া", "Kushtia", 23.9030, 89.1200),
    t("Kushtia", "Bheramara", "ভেড়ামারা", "Bheramara", 24.0200, 88.9960),
    t("Kushtia", "Kumarkhali", "কুমারখালী", "Kumarkhali", 23.8580, 89.2420),
    t("Jhenaidah", "Jhenaidah Sadar", "ঝিনাইদহ", "Jhenaidah", 23.5450, 89.1540),
    t("Jhenaidah", "Kaliganj", "কালীগঞ্জ", "Kaliganj", 23.4080, 89.1360),
    t("Jhenaidah", "Shailkupa", "শৈলকুপা", "Shailkupa", 23.6850, 89.2430),
    t("Bagerhat", "Bagerhat Sadar", "বাগেরহাট", "Bagerhat", 22.6520, 89.7860),
    t("Bagerhat", "Mongla", "মোংলা", "Mongla", 22.4830, 89.6050),
    t("Chuadanga", "Chuadanga Sadar", "চুয়াডাঙ্গা", "Chuadanga", 23.6400, 88.8420),
    t("Chuadanga", "Alamdanga", "আলমডাঙ্গা", "Alamdanga", 23.7580, 88.9520),
    t("Magura", "Magura Sadar", "মাগুরা", "Magura", 23.4870, 89.4200),
    t("Magura", "Sreepur", "শ্রীপুর", "Sreepur", 23.5650, 89.3970),
    t("Narail", "Narail Sadar", "নড়াইল", "Narail", 23.1720, 89.5130),
    t("Meherpur", "Meherpur Sadar", "মেহেরপুর", "Meherpur", 23.7620, 88.6320),
    // Barishal division
    t("Barishal", "Barishal Sadar", "সদর রোড", "Sadar Road", 22.7020, 90.3700),
    t("Barishal", "Barishal Sadar", "নথুল্লাবাদ", "Nathullabad", 22.7150, 90.3550),
    t("Barishal", "Gournadi", "গৌরনদী", "Gournadi", 22.9730, 90.2260),
    t("Barishal", "Bakerganj", "বাকেরগঞ্জ", "Bakerganj", 22.5450, 90.3350),
    t("Bhola", "Bhola Sadar", "ভোলা", "Bhola", 22.6860, 90.6480),
    t("Bhola", "Borhan Sddin", "বোরহানউদ্দিন", "Borhanuddin", 22.4950, 90.7200),
    t("Bhola", "Charfesson", "চরফ্যাশন", "Char Fasson", 22.1850, 90.7600),
    t("Patuakhali", "Patuakhali Sadar", "পটুয়াখালী", "Patuakhali", 22.3600, 90.3300),
    t("Patuakhali", "Kalapara", "কলাপাড়া", "Kalapara", 21.9870, 90.2420),
    t("Patuakhali", "Galachipa", "গলাচিপা", "Galachipa", 22.1650, 90.4260),
    t("Pirojpur", "Pirojpur Sadar", "পিরোজপুর", "Pirojpur", 22.5780, 89.9980),
    t("Pirojpur", "Mathbaria", "মঠবাড়িয়া", "Mathbaria", 22.2880, 89.9600),
    t("Barguna", "Barguna Sadar", "বরগুনা", "Barguna", 22.1590, 90.1260),
    t("Barguna", "Amtali", "আমতলী", "Amtali", 22.1300, 90.2270),
    t("Jhalakathi", "Jhalakathi Sadar", "ঝালকাঠি", "Jhalakathi", 22.6420, 90.2000),
    // Sylhet division
    t("Sylhet", "", "জিন্দাবাজার", "Zindabazar", 24.8950, 91.8700),
    t("Sylhet", "", "আম্বরখানা", "Amberkhana", 24.9050, 91.8700),
    t("Sylhet", "", "শাহজালাল উপশহর", "Shahjalal Upashahar", 24.8860, 91.8880),
    t("Sylhet", "Dakshinsurma", "দক্ষিণ সুরমা", "Dakshin Surma", 24.8780, 91.8660),
    t("Sylhet", "Beanibazar", "বিয়ানীবাজার", "Beanibazar", 24.8200, 92.1600),
    t("Sylhet", "Golapganj", "গোলাপগঞ্জ", "Golapganj", 24.8470, 92.0170),
    t("Sylhet", "Bishwanath", "বিশ্বনাথ", "Bishwanath", 24.7950, 91.7320),
    t("Sylhet", "Jaintiapur", "জৈন্তাপুর", "Jaintiapur", 25.1330, 92.1160),
    t("Moulvibazar", "Moulvibazar Sadar", "মৌলভীবাজার", "Moulvibazar", 24.4830, 91.7770),
    t("Moulvibazar", "Sreemangal", "শ্রীমঙ্গল", "Sreemangal", 24.3070, 91.7300),
    t("Moulvibazar", "Kulaura", "কুলাউড়া", "Kulaura", 24.5180, 92.0350),
    t("Habiganj", "Habiganj Sadar", "হবিগঞ্জ", "Habiganj", 24.3750, 91.4150),
    t("Habiganj", "Nabiganj", "নবীগঞ্জ", "Nabiganj", 24.5600, 91.5200),
    t("Habiganj", "Chunarughat", "চুনারুঘাট", "Chunarughat", 24.2050, 91.5180),
    t("Sunamganj", "Sunamganj Sadar", "সুনামগঞ্জ", "Sunamganj", 25.0660, 91.3950),
    t("Sunamganj", "Chhatak", "ছাতক", "Chhatak", 25.0380, 91.6670),
    t("Sunamganj", "Jagannathpur", "জগন্নাথপুর", "Jagannathpur", 24.7650, 91.5500),
    // Rangpur division
    t("Rangpur", "Rangpur Sadar", "জাহাজ কোম্পানি মোড়", "Jahaj Company Mor", 25.7500, 89.2500),
    t("Rangpur", "Rangpur Sadar", "মডার্ন মোড়", "Modern Mor", 25.7250, 89.2650),
    t("Rangpur", "Mithapukur", "মিঠাপুকুর", "Mithapukur", 25.5600, 89.2800),
    t("Rangpur", "Pirgonj", "পীরগঞ্জ", "Pirganj", 25.4230, 89.3170),
    t("Rangpur", "Badargonj", "বদরগঞ্জ", "Badarganj", 25.6740, 89.0550),
    t("Rangpur", "Gangachara", "গঙ্গাচড়া", "Gangachara", 25.8520, 89.2170),
    t("Dinajpur", "Dinajpur Sadar", "দিনাজপুর", "Dinajpur", 25.6220, 88.6350),
    t("Dinajpur", "Parbatipur", "পার্বতীপুর", "Parbatipur", 25.6630, 88.9160),
    t("Dinajpur", "Hakimpur", "হিলি", "Hili", 25.2850, 89.0100),
    t("Dinajpur", "Birganj", "বীরগঞ্জ", "Birganj", 25.8700, 88.6500),
    t("Dinajpur", "Fulbari", "ফুলবাড়ী", "Fulbari", 25.4980, 88.9450),
    t("Gaibandha", "Gaibandha Sadar", "গাইবান্ধা", "Gaibandha", 25.3290, 89.5280),
    t("Gaibandha", "Gobindaganj", "গোবিন্দগঞ্জ", "Gobindaganj", 25.1320, 89.3900),
    t("Gaibandha", "Palashbari", "পলাশবাড়ী", "Palashbari", 25.2740, 89.3650),
    t("Kurigram", "Kurigram Sadar", "কুড়িগ্রাম", "Kurigram", 25.8050, 89.6360),
    t("Kurigram", "Ulipur", "উলিপুর", "Ulipur", 25.6600, 89.6240),
    t("Kurigram", "Nageshwari", "নাগেশ্বরী", "Nageshwari", 25.9670, 89.7030),
    t("Nilphamari", "Nilphamari Sadar", "নীলফামারী", "Nilphamari", 25.9320, 88.8560),
    t("Nilphamari", "Syedpur", "সৈয়দপুর", "Saidpur", 25.7770, 88.8920),
    t("Nilphamari", "Jaldhaka", "জলঢাকা", "Jaldhaka", 26.0150, 89.0000),
    t("Thakurgaon", "Thakurgaon Sadar", "ঠাকুরগাঁও", "Thakurgaon", 26.0340, 88.4620),
    t("Thakurgaon", "Pirganj", "পীরগঞ্জ", "Pirganj", 25.8600, 88.3600),
    t("Lalmonirhat", "Lalmonirhat Sadar", "লালমনিরহাট", "Lalmonirhat", 25.9170, 89.4530),
    t("Lalmonirhat", "Patgram", "পাটগ্রাম", "Patgram", 26.3500, 89.0100),
    t("Panchagarh", "Panchagarh Sadar", "পঞ্চগড়", "Panchagarh", 26.3410, 88.5540),
    t("Panchagarh", "Tetulia", "তেঁতুলিয়া", "Tetulia", 26.4830, 88.3530),
    // Mymensingh division
    t("Mymensingh", "Mymensingh Sadar", "গাঙ্গিনারপাড়", "Ganginarpar", 24.7540, 90.4070),
    t("Mymensingh", "Mymensingh Sadar", "চরপাড়া", "Charpara", 24.7400, 90.4150),
    t("Mymensingh", "Bhaluka", "ভালুকা", "Bhaluka", 24.3770, 90.3770),
    t("Mymensingh", "Trishal", "ত্রিশাল", "Trishal", 24.5800, 90.3950),
    t("Mymensingh", "Muktagacha", "মুক্তাগাছা", "Muktagacha", 24.7660, 90.2590),
    t("Mymensingh", "Gafargaon", "গফরগাঁও", "Gafargaon", 24.4300, 90.5560),
    t("Mymensingh", "Phulpur", "ফুলপুর", "Phulpur", 24.9500, 90.3530),
    t("Mymensingh", "Iswarganj", "ঈশ্বরগঞ্জ", "Ishwarganj", 24.6900, 90.5970),
    t("Jamalpur", "Jamalpur Sadar", "জামালপুর", "Jamalpur", 24.9370, 89.9380),
    t("Jamalpur", "Sarishabari", "সরিষাবাড়ী", "Sarishabari", 24.7380, 89.8360),
    t("Jamalpur", "Islampur", "ইসলামপুর", "Islampur", 25.0830, 89.7950),
    t("Netrokona", "Netrokona Sadar", "নেত্রকোণা", "Netrokona", 24.8710, 90.7280),
    t("Netrokona", "Mohongonj", "মোহনগঞ্জ", "Mohanganj", 24.8730, 90.9700),
    t("Netrokona", "Durgapur", "দুর্গাপুর", "Durgapur", 25.1210, 90.6860),
    t("Sherpur", "Sherpur Sadar", "শেরপুর", "Sherpur", 25.0200, 90.0150),
    t("Sherpur", "Nalitabari", "নালিতাবাড়ী", "Nalitabari", 25.0850, 90.1950),
];

/// A pop-up desk: where, when, and what it is for.
struct Popup {
    district: &'static str,
    upazila: &'static str,
    bn: &'static str,
    en: &'static str,
    address_bn: &'static str,
    address_en: &'static str,
    lat: f64,
    lon: f64,
    from: &'static str,
    to: &'static str,
    hours: &'static str,
    services: &'static [&'static str],
}

const FAIR_SERVICES: &[&str] = &[
    "account_opening",
    "pin_reset",
    "complaint_intake",
    "kyc_update",
];
const CATTLE_SERVICES: &[&str] = &[
    "account_opening",
    "pin_reset",
    "complaint_intake",
    "cash_in_out",
];

/// Fairs and cattle markets around the demo's "now" (late November 2026): one desk open
/// now, one opening soon, the next trade and book fairs, and the cattle markets before
/// Eid-ul-Adha 2027.
const POPUPS: &[Popup] = &[
    Popup {
        district: "Rangpur",
        upazila: "Rangpur Sadar",
        bn: "শীতকালীন মেলা অস্থায়ী বুথ, রংপুর",
        en: "Winter Fair pop-up desk, Rangpur",
        address_bn: "রংপুর জিলা স্কুল মাঠ, রংপুর",
        address_en: "Rangpur Zilla School field, Rangpur",
        lat: 25.7480,
        lon: 89.2540,
        from: "2026-11-15",
        to: "2026-12-15",
        hours: "Mo-Su 14:00-22:00",
        services: FAIR_SERVICES,
    },
    Popup {
        district: "Chattogram",
        upazila: "",
        bn: "বিজয় মেলা অস্থায়ী বুথ, চট্টগ্রাম",
        en: "Victory Day Fair pop-up desk, Chattogram",
        address_bn: "আউটার স্টেডিয়াম, কাজীর দেউড়ি, চট্টগ্রাম",
        address_en: "Outer Stadium, Kazir Dewri, Chattogram",
        lat: 22.3555,
        lon: 91.8235,
        from: "2026-12-01",
        to: "2026-12-16",
        hours: "Mo-Su 11:00-22:00",
        services: FAIR_SERVICES,
    },
    Popup {
        district: "Narayanganj",
        upazila: "Rupganj",
        bn: "ঢাকা আন্তর্জাতিক বাণিজ্য মেলা অস্থায়ী বুথ",
        en: "Dhaka International Trade Fair pop-up desk",
        address_bn: "বাংলাদেশ-চীন ফ্রেন্ডশিপ এক্সিবিশন সেন্টার, পূর্বাচল, রূপগঞ্জ, নারায়ণগঞ্জ",
        address_en: "Bangladesh-China Friendship Exhibition Centre, Purbachal, Rupganj, Narayanganj",
        lat: 23.8400,
        lon: 90.5080,
        from: "2027-01-01",
        to: "2027-01-31",
        hours: "Mo-Su 10:00-21:00; Fr,Sa 10:00-22:00",
        services: FAIR_SERVICES,
    },
    Popup {
        district: "Dhaka",
        upazila: "",
        bn: "অমর একুশে বইমেলা অস্থায়ী বুথ",
        en: "Amar Ekushey Book Fair pop-up desk",
        address_bn: "বাংলা একাডেমি ও সোহরাওয়ার্দী উদ্যান, শাহবাগ, ঢাকা",
        address_en: "Bangla Academy and Suhrawardy Udyan, Shahbag, Dhaka",
        lat: 23.7322,
        lon: 90.3988,
        from: "2027-02-01",
        to: "2027-02-28",
        hours: "Su-Th 15:00-21:00; Fr,Sa 11:00-21:00; 2027 Feb 21 08:00-21:00",
        services: FAIR_SERVICES,
    },
    Popup {
        district: "Dhaka",
        upazila: "",
        bn: "গাবতলী পশুর হাট অস্থায়ী বুথ",
        en: "Gabtoli cattle market pop-up desk",
        address_bn: "গাবতলী পশুর হাট, মিরপুর রোড, ঢাকা",
        address_en: "Gabtoli cattle market, Mirpur Road, Dhaka",
        lat: 23.7815,
        lon: 90.3440,
        from: "2027-05-09",
        to: "2027-05-16",
        hours: "Mo-Su 07:00-23:00",
        services: CATTLE_SERVICES,
    },
    Popup {
        district: "Chattogram",
        upazila: "",
        bn: "সাগরিকা পশুর হাট অস্থায়ী বুথ",
        en: "Sagorika cattle market pop-up desk",
        address_bn: "সাগরিকা পশুর হাট, পাহাড়তলী, চট্টগ্রাম",
        address_en: "Sagorika cattle market, Pahartali, Chattogram",
        lat: 22.3650,
        lon: 91.7790,
        from: "2027-05-09",
        to: "2027-05-16",
        hours: "Mo-Su 07:00-23:00",
        services: CATTLE_SERVICES,
    },
];

/// Upazila towns with a G2P point at the upazila office, by (district, town) of [`TOWNS`].
const G2P_TOWNS: &[(&str, &str)] = &[
    ("Kurigram", "Ulipur"),
    ("Kurigram", "Nageshwari"),
    ("Gaibandha", "Gobindaganj"),
    ("Rangpur", "Mithapukur"),
    ("Bhola", "Char Fasson"),
    ("Patuakhali", "Kalapara"),
    ("Satkhira", "Shyamnagar"),
    ("Sunamganj", "Jagannathpur"),
    ("Netrokona", "Durgapur"),
    ("Jamalpur", "Islampur"),
    ("Cox's Bazar", "Teknaf"),
    ("Rajshahi", "Bagmara"),
];

/// A drop box stands outside every this-many-th centre of [`TOWNS`].
const DROP_BOX_EVERY: usize = 14;

const ROADS: &[(&str, &str)] = &[
    ("প্রধান সড়ক", "Main Road"),
    ("কলেজ রোড", "College Road"),
    ("স্টেশন রোড", "Station Road"),
    ("বাজার রোড", "Bazar Road"),
    ("হাসপাতাল রোড", "Hospital Road"),
    ("থানা রোড", "Thana Road"),
    ("কোর্ট রোড", "Court Road"),
    ("মসজিদ রোড", "Mosque Road"),
];

/// Landline area codes of the division headquarters; other centres give a mobile number.
const AREA_CODES: &[(&str, &str)] = &[
    ("Dhaka", "02-55"),
    ("Chattogram", "031-7"),
    ("Rajshahi", "0721-7"),
    ("Khulna", "041-7"),
    ("Sylhet", "0821-7"),
    ("Barishal", "0431-2"),
    ("Rangpur", "0521-6"),
    ("Mymensingh", "091-6"),
];

/// The geography, which every function here checks against.
fn geo() -> &'static Geography {
    Geography::bangladesh()
}

fn inside(geo: &Geography, district: DistrictId, lat: f64, lon: f64) -> bool {
    geo.district_at(lat, lon).is_some_and(|d| d.id == district)
}

/// A normally distributed offset of `spread_km` (one standard deviation) from `at`.
fn scatter(rng: &mut StdRng, (lat, lon): (f64, f64), spread_km: f64) -> (f64, f64) {
    // Box–Muller; `1 - u` keeps the logarithm finite.
    let u: f64 = 1.0 - rng.r#gen::<f64>();
    let v: f64 = rng.r#gen::<f64>();
    let r = (-2.0 * u.ln()).sqrt() * spread_km;
    let (north, east) = (r * (2.0 * PI * v).cos(), r * (2.0 * PI * v).sin());
    (
        lat + north / 110.574,
        lon + east / (111.320 * lat.to_radians().cos()),
    )
}

/// A position near `at` inside `district`: scattered and retried a few times, else `at`
/// itself, else a step at a time towards the district's centre — so a town listed a
/// little off, or a coast, still yields a point the district's boundary holds.
fn settle(
    geo: &Geography,
    district: &District,
    at: (f64, f64),
    spread_km: f64,
    tries: usize,
    rng: &mut StdRng,
) -> (f64, f64) {
    for _ in 0..tries {
        let (lat, lon) = scatter(rng, at, spread_km);
        if inside(geo, district.id, lat, lon) {
            return (lat, lon);
        }
    }
    let centre = (district.centre.lat, district.centre.lon);
    (0..=10)
        .map(|k| {
            let f = f64::from(k) / 10.0;
            (at.0 + (centre.0 - at.0) * f, at.1 + (centre.1 - at.1) * f)
        })
        .find(|&(lat, lon)| inside(geo, district.id, lat, lon))
        .unwrap_or(at)
}

fn coord(x: f64) -> String {
    format!("{x:.6}")
}

fn district_of(geo: &'static Geography, name: &str) -> Option<&'static District> {
    geo.find_district(name)
}

/// A Bangladeshi mobile number, `01XYY-ZZZZZZ`.
fn mobile(rng: &mut StdRng) -> String {
    let operator = [3, 4, 5, 6, 7, 8, 9][rng.gen_range(0..7)];
    format!(
        "01{operator}{:02}-{:06}",
        rng.gen_range(0..100),
        rng.gen_range(0..1_000_000)
    )
}

/// The centre's name, with its district where another centre's town has the same name in
/// either language (Dhaka's Gabtoli and Bogura's Gabtali are both গাবতলী).
fn centre_names(town: &Town, district: &District, ambiguous: bool) -> (String, String) {
    if ambiguous {
        (
            format!("{} ({}) কাস্টমার কেয়ার সেন্টার", town.bn, district.name_bn),
            format!("{} ({}) Customer Care Centre", town.en, district.name_en),
        )
    } else {
        (
            format!("{} কাস্টমার কেয়ার সেন্টার", town.bn),
            format!("{} Customer Care Centre", town.en),
        )
    }
}

/// "Holding 12, College Road, Laksam, Cumilla", without the district where the town is
/// named after it.
fn address(holding: u32, road: (&str, &str), town: &Town, district: &District) -> (String, String) {
    let (mut bn, mut en) = (
        format!(
            "হোল্ডিং {}, {}, {}",
            bengali_digits(&holding.to_string()),
            road.0,
            town.bn
        ),
        format!("Holding {holding}, {}, {}", road.1, town.en),
    );
    if town.en != district.name_en {
        bn = format!("{bn}, {}", district.name_bn);
        en = format!("{en}, {}", district.name_en);
    }
    (bn, en)
}

fn centre_hours(i: usize, town: &Town) -> &'static str {
    let dhaka_city = town.district == "Dhaka" && town.upazila.is_empty();
    match town.en {
        // A special day in the same line as the week.
        "Motijheel" => "Sa-Th 09:00-19:00; Fr off; PH off; 2026 Dec 16 off",
        // Shorter hours through Ramadan 2027.
        "Agrabad" => "Sa-Th 10:00-18:00; Fr off; 2027 Feb 08-2027 Mar 09 Sa-Th 10:00-16:00; PH off",
        _ if dhaka_city && i.is_multiple_of(3) => "Sa-Th 09:00-20:00; Fr 15:00-20:00; PH off",
        _ if i % 7 == 3 => "Su-Th 09:00-17:00; Sa 10:00-14:00; PH off",
        _ if i % 5 == 1 => "Sa-Th 09:00-19:00; Fr off; PH off",
        _ => "Sa-Th 10:00-18:00; Fr off; PH off",
    }
}

fn centre_services(i: usize, town: &Town) -> Vec<String> {
    let city = town.upazila.is_empty();
    let mut services = vec!["pin_reset", "complaint_intake"];
    if i % 5 != 4 {
        services.push("account_opening");
    }
    if i % 3 != 2 {
        services.push("kyc_update");
    }
    if city || i.is_multiple_of(4) {
        services.push("sim_replacement");
    }
    services.into_iter().map(String::from).collect()
}

/// When a new centre opens, and its notice: two have opened this month, two open soon.
fn opening(town: &Town) -> Option<(&'static str, &'static str, &'static str)> {
    let from = match town.en {
        "Hemayetpur" => "2026-11-01",
        "Kalurghat" => "2026-11-15",
        "Bagher Bazar" => "2026-12-01",
        "Kashimpur" => "2026-12-15",
        _ => return None,
    };
    Some((
        from,
        "নতুন কেন্দ্র। ডেমো তথ্য — প্রকৃত কেন্দ্র নয়",
        "New centre. Demo data — not a real centre",
    ))
}

fn demo_notice() -> (Option<String>, Option<String>) {
    (Some(DEMO_NOTICE_BN.into()), Some(DEMO_NOTICE_EN.into()))
}

/// The demo's service points: 279 customer-care centres over all 64 districts, pop-up
/// desks, G2P points and drop boxes, every one marked as demo data. The same on every
/// call and every machine.
pub fn demo_points() -> Vec<PointInput> {
    let geo = geo();
    let mut rng = StdRng::seed_from_u64(DEMO_SEED);
    let mut out = Vec::with_capacity(TOWNS.len() + 40);
    // Where each centre ended up, for the drop boxes and G2P points beside it.
    let mut placed: Vec<Option<(f64, f64)>> = Vec::with_capacity(TOWNS.len());

    for (i, town) in TOWNS.iter().enumerate() {
        let Some(district) = district_of(geo, town.district) else {
            placed.push(None);
            continue;
        };
        let ambiguous = TOWNS
            .iter()
            .any(|o| !std::ptr::eq(o, town) && (o.en == town.en || o.bn == town.bn));
        let (name_bn, name_en) = centre_names(town, district, ambiguous);
        let holding = rng.gen_range(1..=180);
        let (address_bn, address_en) = address(
            holding,
            ROADS[rng.gen_range(0..ROADS.len())],
            town,
            district,
        );
        let (lat, lon) = settle(geo, district, (town.lat, town.lon), 0.15, 20, &mut rng);
        placed.push(Some((lat, lon)));
        let phone = match AREA_CODES.iter().find(|(d, _)| *d == town.district) {
            Some((_, code)) if town.upazila.is_empty() || town.upazila.ends_with("Sadar") => {
                let digits = if code.starts_with("02") { 6 } else { 5 };
                format!(
                    "{code}{:0digits$}",
                    rng.gen_range(0..10u32.pow(digits as u32))
                )
            }
            _ => mobile(&mut rng),
        };
        let (mut notice_bn, mut notice_en) = demo_notice();
        let mut active_from = None;
        if let Some((from, bn, en)) = opening(town) {
            active_from = Some(from.to_owned());
            notice_bn = Some(bn.into());
            notice_en = Some(en.into());
        }
        out.push(PointInput {
            kind: "care_centre".into(),
            name_bn,
            name_en,
            address_bn,
            address_en,
            district: district.name_en.clone(),
            upazila: (!town.upazila.is_empty()).then(|| town.upazila.to_owned()),
            lat: coord(lat),
            lon: coord(lon),
            phone: Some(phone),
            services: centre_services(i, town),
            hours: centre_hours(i, town).into(),
            notice_bn,
            notice_en,
            active_from,
            active_to: None,
        });
    }

    for (i, town) in TOWNS.iter().enumerate().step_by(DROP_BOX_EVERY) {
        let (Some(district), Some(Some(at))) = (district_of(geo, town.district), placed.get(i))
        else {
            continue;
        };
        let Some(centre) = out
            .iter()
            .find(|p| p.kind == "care_centre" && p.lat == coord(at.0) && p.lon == coord(at.1))
        else {
            continue;
        };
        // A few metres from the door.
        let (lat, lon) = settle(
            geo,
            district,
            (at.0 + 0.0001, at.1 + 0.0001),
            0.0,
            0,
            &mut rng,
        );
        out.push(PointInput {
            kind: "drop_box".into(),
            name_bn: format!("{} — অভিযোগ বাক্স", centre.name_bn),
            name_en: format!("{} — drop box", centre.name_en),
            address_bn: format!("প্রবেশপথের পাশে, {}", centre.address_bn),
            address_en: format!("Beside the entrance, {}", centre.address_en),
            district: centre.district.clone(),
            upazila: centre.upazila.clone(),
            lat: coord(lat),
            lon: coord(lon),
            phone: None,
            services: vec!["complaint_intake".into()],
            hours: "24/7".into(),
            notice_bn: Some(format!(
                "যেকোনো সময় আবেদন বা অভিযোগ রেখে যান। {DEMO_NOTICE_BN}"
            )),
            notice_en: Some(format!(
                "Leave a request or complaint at any hour. {DEMO_NOTICE_EN}"
            )),
            active_from: None,
            active_to: None,
        });
    }

    for &(district_name, town_en) in G2P_TOWNS {
        let Some((i, town)) = TOWNS
            .iter()
            .enumerate()
            .find(|(_, t)| t.district == district_name && t.en == town_en)
        else {
            continue;
        };
        let (Some(district), Some(Some(at))) = (district_of(geo, town.district), placed.get(i))
        else {
            continue;
        };
        // The upazila office, a short walk from the bazar.
        let (lat, lon) = settle(
            geo,
            district,
            (at.0 - 0.004, at.1 + 0.003),
            0.0,
            0,
            &mut rng,
        );
        let (notice_bn, notice_en) = demo_notice();
        out.push(PointInput {
            kind: "g2p_point".into(),
            name_bn: format!("{} উপজেলা পরিষদ সরকারি ভাতা সেবা কেন্দ্র", town.bn),
            name_en: format!("{} Upazila Parishad G2P service point", town.en),
            address_bn: format!("উপজেলা পরিষদ চত্বর, {}, {}", town.bn, district.name_bn),
            address_en: format!(
                "Upazila Parishad complex, {}, {}",
                town.en, district.name_en
            ),
            district: district.name_en.clone(),
            upazila: Some(town.upazila.to_owned()),
            lat: coord(lat),
            lon: coord(lon),
            phone: Some(mobile(&mut rng)),
            services: ["g2p", "account_opening", "pin_reset"]
                .map(String::from)
                .to_vec(),
            hours: "Su-Th 09:00-17:00; PH off".into(),
            notice_bn,
            notice_en,
            active_from: None,
            active_to: None,
        });
    }

    for p in POPUPS {
        let Some(district) = district_of(geo, p.district) else {
            continue;
        };
        let (lat, lon) = settle(geo, district, (p.lat, p.lon), 0.0, 0, &mut rng);
        let (notice_bn, notice_en) = demo_notice();
        out.push(PointInput {
            kind: "popup_desk".into(),
            name_bn: p.bn.into(),
            name_en: p.en.into(),
            address_bn: p.address_bn.into(),
            address_en: p.address_en.into(),
            district: district.name_en.clone(),
            upazila: (!p.upazila.is_empty()).then(|| p.upazila.to_owned()),
            lat: coord(lat),
            lon: coord(lon),
            phone: Some(mobile(&mut rng)),
            services: p.services.iter().map(|s| (*s).to_owned()).collect(),
            hours: p.hours.into(),
            notice_bn,
            notice_en,
            active_from: Some(p.from.into()),
            active_to: Some(p.to.into()),
        });
    }
    out
}

/// A town agents cluster around, resolved against the geography.
struct Anchor {
    town: &'static Town,
    district: &'static District,
    upazila: Option<UpazilaId>,
}

/// Every centre's town whose listed position its district holds, so that falling back
/// to the town itself always gives a valid point.
fn anchors(geo: &'static Geography) -> Vec<Anchor> {
    TOWNS
        .iter()
        .filter_map(|town| {
            let district = district_of(geo, town.district)?;
            if !inside(geo, district.id, town.lat, town.lon) {
                return None;
            }
            let upazila = geo
                .upazilas_of(district.id)
                .find(|u| u.name_en == town.upazila || u.aliases.iter().any(|a| a == town.upazila))
                .map(|u| u.id);
            Some(Anchor {
                town,
                district,
                upazila,
            })
        })
        .collect()
}

const OWNERS: &[(&str, &str)] = &[
    ("রহিম", "Rahim"),
    ("করিম", "Karim"),
    ("সালাম", "Salam"),
    ("জসিম", "Jashim"),
    ("মিজান", "Mizan"),
    ("হাসান", "Hasan"),
    ("রফিক", "Rafiq"),
    ("শফিক", "Shafiq"),
    ("আলম", "Alam"),
    ("কামাল", "Kamal"),
    ("জামাল", "Jamal"),
    ("নূর", "Nur"),
    ("বাবুল", "Babul"),
    ("শাহীন", "Shahin"),
    ("মামুন", "Mamun"),
    ("সুমন", "Sumon"),
    ("রুবেল", "Rubel"),
    ("সোহেল", "Sohel"),
    ("মনির", "Monir"),
    ("আনোয়ার", "Anwar"),
    ("ফারুক", "Faruk"),
    ("লিটন", "Liton"),
    ("রাজু", "Raju"),
    ("তানভীর", "Tanvir"),
    ("রিনা", "Rina"),
    ("শাহানা", "Shahana"),
    ("নাসির", "Nasir"),
    ("হাবিব", "Habib"),
];

/// Shop names that are not a person's.
const SHOP_NAMES: &[(&str, &str)] = &[
    ("মায়ের দোয়া", "Mayer Doa"),
    ("ভাই ভাই", "Bhai Bhai"),
    ("বিসমিল্লাহ", "Bismillah"),
    ("মদিনা", "Madina"),
    ("জনতা", "Janata"),
    ("সততা", "Shotota"),
    ("রূপালী", "Rupali"),
    ("সোনালী", "Sonali"),
    ("নিউ মডার্ন", "New Modern"),
    ("বাবা-মায়ের দোয়া", "Baba-Mayer Doa"),
];

const SHOP_KINDS: &[(&str, &str)] = &[
    ("টেলিকম", "Telecom"),
    ("স্টোর", "Store"),
    ("ট্রেডার্স", "Traders"),
    ("এন্টারপ্রাইজ", "Enterprise"),
    ("মোবাইল সেন্টার", "Mobile Centre"),
    ("ফার্মেসি", "Pharmacy"),
    ("জেনারেল স্টোর", "General Store"),
    ("ভ্যারাইটিজ স্টোর", "Varieties Store"),
    ("কম্পিউটার্স", "Computers"),
    ("বস্ত্রালয়", "Cloth Store"),
];

const MARKETS: &[(&str, &str)] = &[
    ("বাজার রোড", "Bazar Road"),
    ("কাঁচা বাজার", "Kacha Bazar"),
    ("বাসস্ট্যান্ড", "Bus Stand"),
    ("স্টেশন রোড", "Station Road"),
    ("হাসপাতাল মোড়", "Hospital Mor"),
    ("কলেজ গেট", "College Gate"),
    ("চৌরাস্তা", "Chowrasta"),
    ("পুরাতন বাজার", "Old Bazar"),
    ("নতুন বাজার", "New Bazar"),
    ("হাটখোলা", "Hatkhola"),
    ("লঞ্চঘাট", "Launch Ghat"),
    ("স্কুল মোড়", "School Mor"),
];

/// The few hours agents keep, with how often each is seen (out of 100).
const AGENT_HOURS: &[(&str, u32)] = &[
    ("Sa-Th 08:00-22:00; Fr 14:00-22:00", 40),
    ("Mo-Su 09:00-21:00", 20),
    ("Sa-Th 09:00-21:00; Fr 15:00-21:00", 15),
    ("Mo-Su 08:00-23:00", 10),
    ("Sa-Th 10:00-20:00; Fr off", 10),
    ("Mo-Su 07:00-22:00; PH off", 5),
];

fn pick<T: Copy>(rng: &mut StdRng, from: &[T]) -> T {
    from[rng.gen_range(0..from.len())]
}

/// One agent point near a random anchor.
fn agent(geo: &Geography, anchors: &[Anchor], rng: &mut StdRng) -> PointInput {
    let a = &anchors[rng.gen_range(0..anchors.len())];
    // Most agents are in the town's bazar; some along the roads out; a few in villages.
    let (spread_km, in_town) = match rng.gen_range(0..100) {
        0..60 => (0.8, true),
        60..85 => (4.0, false),
        _ => (12.0, false),
    };
    let (lat, lon) = settle(
        geo,
        a.district,
        (a.town.lat, a.town.lon),
        spread_km,
        25,
        rng,
    );

    let kind = pick(rng, SHOP_KINDS);
    let (shop_bn, shop_en) = match rng.gen_range(0..10) {
        0..5 => {
            let o = pick(rng, OWNERS);
            (format!("{} {}", o.0, kind.0), format!("{} {}", o.1, kind.1))
        }
        5..7 => {
            let o = pick(rng, OWNERS);
            (
                format!("মেসার্স {} {}", o.0, kind.0),
                format!("M/S {} {}", o.1, kind.1),
            )
        }
        _ => {
            let s = pick(rng, SHOP_NAMES);
            (format!("{} {}", s.0, kind.0), format!("{} {}", s.1, kind.1))
        }
    };
    let shop_no = rng.gen_range(1..=250u32);
    let market = pick(rng, MARKETS);
    let (d_bn, d_en) = (&a.district.name_bn, &a.district.name_en);
    let (address_bn, address_en) = if in_town {
        let (t_bn, t_en) = (a.town.bn, a.town.en);
        if t_en == d_en.as_str() {
            (
                format!(
                    "দোকান {}, {}, {t_bn}",
                    bengali_digits(&shop_no.to_string()),
                    market.0
                ),
                format!("Shop {shop_no}, {}, {t_en}", market.1),
            )
        } else {
            (
                format!(
                    "দোকান {}, {}, {t_bn}, {d_bn}",
                    bengali_digits(&shop_no.to_string()),
                    market.0
                ),
                format!("Shop {shop_no}, {}, {t_en}, {d_en}", market.1),
            )
        }
    } else {
        (
            format!(
                "দোকান {}, {}, {d_bn} জেলা",
                bengali_digits(&shop_no.to_string()),
                market.0
            ),
            format!("Shop {shop_no}, {}, {d_en} district", market.1),
        )
    };
    let mut services = vec!["cash_in_out".to_owned()];
    if rng.gen_range(0..10) < 3 {
        services.push("account_opening".into());
    }
    let mut roll = rng.gen_range(0..100);
    let hours = AGENT_HOURS
        .iter()
        .find(|(_, share)| {
            let hit = roll < *share;
            roll = roll.saturating_sub(*share);
            hit
        })
        .map_or(AGENT_HOURS[0].0, |(h, _)| *h);

    PointInput {
        kind: "agent_point".into(),
        name_bn: format!("{shop_bn} (এজেন্ট)"),
        name_en: format!("{shop_en} (agent)"),
        address_bn,
        address_en,
        district: a.district.id.to_string(),
        // Only a point in the town itself is surely in the town's upazila.
        upazila: a.upazila.filter(|_| in_town).map(|u| u.to_string()),
        lat: coord(lat),
        lon: coord(lon),
        phone: Some(mobile(rng)),
        services,
        hours: hours.into(),
        notice_bn: Some(GENERATED_NOTICE_BN.into()),
        notice_en: Some(GENERATED_NOTICE_EN.into()),
        active_from: None,
        active_to: None,
    }
}

/// An endless, seeded stream of agent points as typed.
fn agent_stream(seed: u64) -> impl Iterator<Item = PointInput> + Send {
    let geo = geo();
    let anchors = anchors(geo);
    let mut rng = StdRng::seed_from_u64(seed);
    std::iter::repeat_with(move || agent(geo, &anchors, &mut rng))
}

/// `n` agent points as typed, the same for the same seed: clustered around the centres'
/// towns (so, roughly, by population), each inside the district it names.
pub fn agent_point_inputs(n: usize, seed: u64) -> impl Iterator<Item = PointInput> + Send {
    agent_stream(seed).take(n)
}

/// `n` agent points, checked: [`agent_point_inputs`] through [`PointInput::check`]. A
/// point that fails the check (none does; the tests say so) is logged and replaced by the
/// next one, so there are always `n`.
pub fn agent_points(n: usize, seed: u64) -> impl Iterator<Item = Checked> + Send {
    let geo = geo();
    agent_stream(seed)
        .filter_map(move |input| match input.check(geo) {
            Ok(checked) => Some(checked),
            Err(errors) => {
                tracing::warn!(name = %input.name_en, ?errors, "generated agent point refused");
                None
            }
        })
        .take(n)
}

/// Store `n` generated agent points ([`agent_points`]), [`AGENT_BATCH`] per transaction,
/// calling `progress` with the number stored so far after each batch. Returns how many
/// were stored. A failed batch stops the run; the batches before it stay.
pub async fn generate_agents(
    app: &App,
    n: usize,
    seed: u64,
    mut progress: impl FnMut(usize),
) -> Result<usize, AppError> {
    let mut points = agent_points(n, seed);
    let mut done = 0;
    loop {
        let batch: Vec<Checked> = points.by_ref().take(AGENT_BATCH).collect();
        if batch.is_empty() {
            return Ok(done);
        }
        done += app.add_points(batch, Caller::system()).await?.len();
        progress(done);
    }
}

impl App {
    /// Load [`demo_points`] once: not if they were loaded before, nor if any point exists
    /// (a real directory, or generated agents). Returns how many were added.
    pub async fn load_demo_points(&self) -> Result<usize, AppError> {
        if self.store.meta(LOADED_KEY).await?.is_some() {
            return Ok(0);
        }
        if !self.store.service_points(true).await?.is_empty() {
            // Remember, so a large directory is not read again on the next start.
            self.store
                .set_meta_once(LOADED_KEY, "skipped: points existed")
                .await?;
            return Ok(0);
        }
        let geo = geo();
        let batch: Vec<Checked> = demo_points()
            .into_iter()
            .filter_map(|input| match input.check(geo) {
                Ok(checked) => Some(checked),
                Err(errors) => {
                    tracing::warn!(name = %input.name_en, ?errors, "demo point refused");
                    None
                }
            })
            .collect();
        let added = self.add_points(batch, Caller::system()).await?.len();
        self.store
            .set_meta_once(LOADED_KEY, &self.now().to_string())
            .await?;
        tracing::info!(points = added, "demo service points loaded");
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use seba_locator::points::{PointKind, Service};

    use super::*;
    use crate::testing::TestApp;

    fn checked(points: &[PointInput]) -> Vec<Checked> {
        let geo = geo();
        let mut bad = Vec::new();
        let mut ok = Vec::new();
        for p in points {
            match p.check(geo) {
                Ok(c) => ok.push(c),
                Err(e) => bad.push(format!("{} ({}, {}): {e:?}", p.name_en, p.lat, p.lon)),
            }
        }
        assert!(bad.is_empty(), "{} refused:\n{}", bad.len(), bad.join("\n"));
        ok
    }

    #[test]
    fn every_town_is_where_its_row_says() {
        let geo = geo();
        let mut wrong = Vec::new();
        for town in TOWNS {
            let named = district_of(geo, town.district).map(|d| d.name_en.as_str());
            let at = geo
                .district_at(town.lat, town.lon)
                .map(|d| d.name_en.as_str());
            if named.is_none() || named != at {
                wrong.push(format!(
                    "{} in {:?}, listed in {}",
                    town.en, at, town.district
                ));
            }
        }
        for p in POPUPS {
            let named = district_of(geo, p.district).map(|d| d.name_en.as_str());
            let at = geo.district_at(p.lat, p.lon).map(|d| d.name_en.as_str());
            if named.is_none() || named != at {
                wrong.push(format!("{} in {:?}, listed in {}", p.en, at, p.district));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert_eq!(anchors(geo).len(), TOWNS.len());
        assert!(
            anchors(geo)
                .iter()
                .all(|a| a.upazila.is_some() != a.town.upazila.is_empty())
        );
    }

    #[test]
    fn demo_points_are_279_centres_in_every_district_and_all_check() {
        let inputs = demo_points();
        let points = checked(&inputs);
        let centres: Vec<&Checked> = points
            .iter()
            .filter(|p| p.kind == PointKind::CareCentre)
            .collect();
        assert_eq!(centres.len(), 279);
        let districts: BTreeSet<DistrictId> = centres.iter().map(|p| p.district).collect();
        assert_eq!(districts.len(), 64);
        assert_eq!(districts.len(), geo().districts().len());

        // More where more people live.
        let mut per_district: BTreeMap<DistrictId, usize> = BTreeMap::new();
        for c in &centres {
            *per_district.entry(c.district).or_default() += 1;
        }
        let count = |name: &str| per_district[&geo().find_district(name).unwrap().id];
        assert!(count("Dhaka") >= 30);
        assert!(count("Chattogram") >= 15);
        assert!(count("Gazipur") > count("Bandarban"));
        assert!(count("Narayanganj") > count("Narail"));

        // Names are unique, so a list can tell them apart.
        let names: BTreeSet<&str> = points.iter().map(|p| p.name_en.as_str()).collect();
        assert_eq!(names.len(), points.len());
        let names_bn: BTreeSet<&str> = points.iter().map(|p| p.name_bn.as_str()).collect();
        assert_eq!(names_bn.len(), points.len());

        // Each kind is there.
        for kind in [
            PointKind::PopupDesk,
            PointKind::G2pPoint,
            PointKind::DropBox,
        ] {
            assert!(
                points.iter().filter(|p| p.kind == kind).count() >= 5,
                "{kind}"
            );
        }
        assert!(points.iter().all(|p| p.kind != PointKind::AgentPoint));
        assert!(
            points
                .iter()
                .filter(|p| p.kind == PointKind::G2pPoint)
                .all(|p| p.services.contains(&Service::G2p) && p.upazila.is_some())
        );
        assert!(
            points
                .iter()
                .filter(|p| p.kind == PointKind::DropBox)
                .all(|p| p.hours == "24/7")
        );
        // The same every time.
        assert_eq!(demo_points(), inputs);
    }

    #[test]
    fn the_four_new_centres_are_where_they_should_be() {
        let points = checked(&demo_points());
        let geo = geo();
        for (name, district, upazila) in [
            (
                "Bagher Bazar Customer Care Centre",
                "Gazipur",
                Some("Gazipur Sadar"),
            ),
            (
                "Kashimpur Customer Care Centre",
                "Gazipur",
                Some("Gazipur Sadar"),
            ),
            ("Hemayetpur Customer Care Centre", "Dhaka", Some("Savar")),
            ("Kalurghat Customer Care Centre", "Chattogram", None),
        ] {
            let p = points.iter().find(|p| p.name_en == name).expect(name);
            assert_eq!(
                p.district,
                geo.find_district(district).unwrap().id,
                "{name}"
            );
            assert_eq!(
                p.upazila.map(|u| geo.upazila(u).unwrap().name_en.as_str()),
                upazila,
                "{name}"
            );
            assert!(p.active_from.is_some(), "{name}");
            assert!(p.notice_en.as_deref().unwrap().contains(DEMO_NOTICE_EN));
        }
        let mirpur = points
            .iter()
            .find(|p| p.name_en == "Mirpur Customer Care Centre");
        assert_eq!(mirpur.unwrap().name_bn, "মিরপুর কাস্টমার কেয়ার সেন্টার");
    }

    #[test]
    fn drop_boxes_and_g2p_points_stand_by_their_towns() {
        let points = checked(&demo_points());
        let centre = |name: &str| {
            points
                .iter()
                .find(|p| p.kind == PointKind::CareCentre && name.starts_with(&p.name_en))
                .map(|p| p.coord)
        };
        for p in points.iter().filter(|p| p.kind == PointKind::DropBox) {
            let door = centre(&p.name_en).expect(&p.name_en);
            assert!(door.distance_m(p.coord) < 50.0, "{}", p.name_en);
        }
        for p in points.iter().filter(|p| p.kind == PointKind::G2pPoint) {
            let town = p
                .name_en
                .trim_end_matches(" Upazila Parishad G2P service point");
            let bazar = centre(&format!("{town} Customer Care Centre")).expect(town);
            assert!(bazar.distance_m(p.coord) < 1_000.0, "{}", p.name_en);
        }
        // And each centre is within a few hundred metres of its town's listed position.
        for town in TOWNS {
            let p = points
                .iter()
                .find(|p| {
                    p.kind == PointKind::CareCentre
                        && (p.name_en == format!("{} Customer Care Centre", town.en)
                            || p.name_en.starts_with(&format!("{} (", town.en)))
                        && geo().district(p.district).unwrap().name_en == town.district
                })
                .expect(town.en);
            let listed = seba_locator::nearest::Coord::new(town.lat, town.lon).unwrap();
            assert!(listed.distance_m(p.coord) < 800.0, "{}", town.en);
        }
    }

    #[test]
    fn every_demo_point_is_marked_as_demo_data() {
        for p in checked(&demo_points()) {
            let (bn, en) = (
                p.notice_bn.unwrap_or_default(),
                p.notice_en.unwrap_or_default(),
            );
            assert!(bn.contains(DEMO_NOTICE_BN), "{}: {bn}", p.name_en);
            assert!(en.contains(DEMO_NOTICE_EN), "{}: {en}", p.name_en);
        }
    }

    #[test]
    fn pop_up_desks_have_their_dates_and_one_is_open_now_or_soon() {
        let points = checked(&demo_points());
        let popups: Vec<&Checked> = points
            .iter()
            .filter(|p| p.kind == PointKind::PopupDesk)
            .collect();
        assert!(popups.len() >= 5);
        for p in &popups {
            let (from, to) = (p.active_from.unwrap(), p.active_to.unwrap());
            assert!(from <= to, "{}", p.name_en);
        }
        let today: jiff::civil::Date = "2026-11-22".parse().unwrap();
        let in_a_month: jiff::civil::Date = "2026-12-22".parse().unwrap();
        assert!(
            popups
                .iter()
                .any(|p| p.active_from.unwrap() <= today && today <= p.active_to.unwrap())
        );
        assert!(popups.iter().any(|p| {
            let from = p.active_from.unwrap();
            from > today && from <= in_a_month
        }));
        // Care centres and the rest have no end date.
        assert!(
            points
                .iter()
                .filter(|p| p.kind != PointKind::PopupDesk)
                .all(|p| p.active_to.is_none())
        );
    }

    #[test]
    fn centre_hours_are_varied_and_all_parse() {
        let points = checked(&demo_points());
        let hours: BTreeSet<&str> = points
            .iter()
            .filter(|p| p.kind == PointKind::CareCentre)
            .map(|p| p.hours.as_str())
            .collect();
        assert!(hours.len() >= 5, "{hours:?}");
        assert!(hours.iter().any(|h| h.contains("2026 Dec 16 off")));
        assert!(hours.contains("Sa-Th 09:00-20:00; Fr 15:00-20:00; PH off"));
        assert!(hours.contains("Su-Th 09:00-17:00; Sa 10:00-14:00; PH off"));
    }

    #[test]
    fn agent_points_are_deterministic_and_every_one_checks() {
        let geo = geo();
        let a: Vec<PointInput> = agent_point_inputs(3_000, 42).collect();
        assert_eq!(a.len(), 3_000);
        assert_eq!(a, agent_point_inputs(3_000, 42).collect::<Vec<_>>());
        assert_ne!(a, agent_point_inputs(3_000, 43).collect::<Vec<_>>());
        let checked = checked(&a);
        // The checked stream is the same points.
        let stream: Vec<Checked> = agent_points(3_000, 42).collect();
        assert_eq!(stream, checked);

        let mut districts = BTreeSet::new();
        for (input, p) in a.iter().zip(&checked) {
            assert_eq!(p.kind, PointKind::AgentPoint);
            assert!(p.services.contains(&Service::CashInOut));
            // The district named is the one the point falls in.
            assert_eq!(
                geo.district_at(p.coord.lat(), p.coord.lon()).map(|d| d.id),
                Some(p.district),
                "{input:?}"
            );
            assert_eq!(p.notice_en.as_deref(), Some(GENERATED_NOTICE_EN));
            districts.insert(p.district);
        }
        assert!(districts.len() >= 60, "{}", districts.len());
        let hours: BTreeSet<&str> = checked.iter().map(|p| p.hours.as_str()).collect();
        assert!((3..=AGENT_HOURS.len()).contains(&hours.len()), "{hours:?}");
        let names: BTreeSet<&str> = checked.iter().map(|p| p.name_bn.as_str()).collect();
        assert!(names.len() > 500, "{}", names.len());
        let opening = checked
            .iter()
            .filter(|p| p.services.contains(&Service::AccountOpening))
            .count();
        assert!((600..1_200).contains(&opening), "{opening}");
        // Dense where people are: Dhaka has many times Bandarban's agents.
        let in_district = |name: &str| {
            let id = geo.find_district(name).unwrap().id;
            checked.iter().filter(|p| p.district == id).count()
        };
        assert!(in_district("Dhaka") > 10 * in_district("Bandarban").max(1));
    }

    #[tokio::test]
    async fn demo_points_load_once() {
        let t = TestApp::bare().await;
        let n = t.app.load_demo_points().await.unwrap();
        assert_eq!(n, demo_points().len());
        assert_eq!(t.app.points(true).await.unwrap().len(), n);
        assert_eq!(t.app.load_demo_points().await.unwrap(), 0);
        assert_eq!(t.app.points(true).await.unwrap().len(), n);
    }

    #[tokio::test]
    async fn demo_points_are_not_loaded_over_an_existing_directory() {
        let t = TestApp::bare().await;
        assert_eq!(generate_agents(&t.app, 3, 1, |_| {}).await.unwrap(), 3);
        assert_eq!(t.app.load_demo_points().await.unwrap(), 0);
        assert_eq!(t.app.points(true).await.unwrap().len(), 3);
    }

    #[tokio::test]
    async fn the_demo_loads_its_points() {
        let t = TestApp::new().await;
        t.app.load_demo(0).await.unwrap();
        let n = t.app.points(true).await.unwrap().len();
        assert_eq!(n, demo_points().len());
        t.app.load_demo(0).await.unwrap();
        assert_eq!(t.app.points(true).await.unwrap().len(), n);
    }

    #[tokio::test]
    async fn agents_are_stored_in_batches_with_progress() {
        let t = TestApp::bare().await;
        let mut seen = Vec::new();
        let n = AGENT_BATCH + 7;
        let stored = generate_agents(&t.app, n, 9, |done| seen.push(done))
            .await
            .unwrap();
        assert_eq!(stored, n);
        assert_eq!(seen, vec![AGENT_BATCH, n]);
        let points = t.app.points(false).await.unwrap();
        assert_eq!(points.len(), n);
        assert!(points.iter().all(|p| p.kind == PointKind::AgentPoint));
        assert_eq!(
            generate_agents(&t.app, 0, 9, |_| unreachable!())
                .await
                .unwrap(),
            0
        );
    }

    #[tokio::test]
    async fn generating_agents_can_run_on_any_worker() {
        fn send<T: Send>(_: &T) {}
        let t = TestApp::bare().await;
        send(&generate_agents(&t.app, 1, 1, |_| {}));
    }

    /// `cargo test -p seba-app --release --lib demo_points::tests::timing -- --ignored --nocapture`
    #[tokio::test]
    #[ignore = "a measurement: 300,000 agent points into SQLite"]
    async fn timing_300k_agents() {
        let t = TestApp::bare().await;
        let start = std::time::Instant::now();
        let inputs = agent_point_inputs(300_000, 7).count();
        let placing = start.elapsed();
        let start = std::time::Instant::now();
        let generated = agent_points(300_000, 7).count();
        let generation = start.elapsed();
        println!("generate only: {inputs} in {placing:.1?}");
        let start = std::time::Instant::now();
        let stored = generate_agents(&t.app, 300_000, 7, |done| {
            if done % 50_000 == 0 {
                println!("{done} stored after {:.1?}", start.elapsed());
            }
        })
        .await
        .unwrap();
        let total = start.elapsed();
        println!(
            "generate + check only: {generated} in {generation:.1?}; generate + store: {stored} in {total:.1?} ({:.0}/s)",
            stored as f64 / total.as_secs_f64()
        );
        assert_eq!(stored, 300_000);
    }
}
