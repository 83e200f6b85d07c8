"""Intent tables for accounts, subscriptions and stores (same shape as ``intents_commerce``)."""

PASSWORD_RESET = (
    (
        (("I forgot my password", "How do I reset my Brightwave password?",
          "Can you reset my password for me? My email is {email_own}."),
         ("Go to brightwave.example/reset, enter your account email, and we'll send a reset link "
          "that's valid for 30 minutes.",
          "Agents never see passwords, but I've triggered a reset email to the address on file so "
          "you can choose a new one.")),
        (("The reset email never arrives.", "The password reset link says it expired."),
         ("I've sent a fresh reset link to the email on your account. If it's not there within 5 "
          "minutes, please check spam or promotions.",
          "Reset links are valid for 30 minutes. I've just sent you a new one.")),
        (("i keep getting 'invalid code' when I try to log in",),
         ("That error usually means the code was already used or has expired. Request a new one and "
          "use it within 10 minutes.",)),
        (("My account is locked after too many attempts.",),
         ("For security, accounts lock for 30 minutes after 5 failed attempts. After that you can "
          "sign in again or use 'Forgot password'.",)),
        (("I changed my phone and lost my 2FA codes.",),
         ("You can recover 2FA with one of the backup codes you saved at setup. If you don't have "
          "them, I'll start an identity check, which takes about {days} business days.",)),
        (("How often do I have to change my password?",),
         ("We don't force regular password changes, but we do recommend a unique password and "
          "two-factor authentication.",)),
        (("Can't log in on my {product}, says wrong password but it works on the website.",),
         ("Devices like the {product} keep the old credentials cached. Sign out on the device, then "
          "sign in again with your new password.",)),
    ),
    ("I've checked my spam folder.", "I tried three times already."),
    ("Make sure you're checking the inbox linked to your Brightwave account.",
     "Password managers work well with our sign-in page.",
     "After a reset, you'll be signed out of all other devices for security."),
)

ACCOUNT_DELETION = (
    (
        (("How do I delete my Brightwave account?", "please delete my account, i dont use it anymore",
          "Remove my account and unsubscribe me from everything."),
         ("You can delete your account under Account > Privacy > Delete account. We'll email a "
          "confirmation link, and the account is removed 14 days after you confirm.",
          "I've started the deletion for you. Please click the confirmation link we just emailed; "
          "without it, nothing is deleted.",
          "I've unsubscribed you from all marketing emails and started the deletion request. The only "
          "email you'll get from now on is the confirmation.")),
        (("I want all my data erased.",),
         ("I've submitted a data erasure request ({ticket}). You'll receive confirmation within 30 "
          "days, as data protection law requires.",)),
        (("Can I close my account but keep my {plan} until the end of the month?",),
         ("If you schedule deletion for the end of the billing period, {plan} stays active until "
          "{date2} and the account closes after that.",)),
        (("What happens to my cloud photos if I delete my account?",),
         ("Files in Brightwave Cloud are deleted with the account, so I'd recommend downloading them "
          "first from Cloud > Select all > Download.",)),
        (("Can I download my data before deleting my account?",),
         ("You can request a full export under Account > Privacy > Download my data. It's usually "
          "ready within 48 hours.",)),
        (("Is account deletion permanent?",),
         ("After the 14-day grace period, deletion is permanent and can't be undone, including "
          "purchase history and cloud files.",)),
    ),
    ("I'm moving to another service.", "I have an old order still open."),
    ("Order records are kept for tax purposes, but they're no longer linked to a profile.",
     "If you change your mind during the grace period, just sign in to cancel the deletion.",
     "Any remaining wallet balance is refunded before the account closes."),
)

SUBSCRIPTION_CANCEL = (
    (
        (("How do I cancel {plan}?", "cancel my subscription please",
          "If I cancel today, do I keep access until the end of the month?"),
         ("You can cancel {plan} anytime under Account > Subscriptions > Cancel. You'll keep access "
          "until {date2}.",
          "I've cancelled your {plan} plan. It stays active until the end of the billing period on "
          "{date2}, and you won't be charged again.",
          "Cancelling stops the next renewal, but you keep full access until {date2}.")),
        (("I want to cancel my {plan} free trial before it charges me.",),
         ("Your free trial ends on {date2}. I've cancelled it now, so you won't be charged, and you "
          "can keep using it until then.",)),
        (("Will I lose my watchlist if I cancel?",),
         ("Your watchlist and profiles are saved for 12 months after cancelling, so they'll be there "
          "if you come back.",)),
        (("I tried to cancel in the app but the button is greyed out.",),
         ("The button is greyed out when the subscription was bought through an app store. In that "
          "case, cancel from the App Store or Google Play subscription settings.",)),
        (("Is there a cancellation fee?",),
         ("There's no cancellation fee for monthly plans. Annual plans can be cancelled with a "
          "prorated refund within the first 30 days.",)),
        (("Can I pause my subscription instead of cancelling?",),
         ("You can pause {plan} for up to 3 months under Account > Subscriptions > Pause. Billing "
          "resumes automatically on {date2}.",)),
        (("I signed up through my TV, how do I cancel?",),
         ("Subscriptions bought on a Lumen TV are managed in your Brightwave account, so you can "
          "cancel on the website under Account > Subscriptions.",)),
    ),
    ("Money is tight this month.", "I barely use it anymore.", "I'm travelling for a while."),
    ("If price is the concern, Stream Basic is $7.99 per month and keeps most of the catalogue.",
     "You'll receive an email confirming the cancellation.",
     "Downloads on your devices will stop playing when access ends."),
)

PLAN_CHANGE = (
    (
        (("What's the difference between Stream Plus and Stream Premium?",
          "How many screens can watch at once on {plan}?", "Does {plan} include 4K?"),
         ("Stream Plus streams in HD on 2 screens at once; Stream Premium adds 4K HDR, 4 screens and "
          "offline downloads on up to 6 devices.",
          "Stream Premium supports 4 simultaneous screens, Stream Plus 2, and Stream Basic 1. Only "
          "Premium streams in 4K.")),
        (("How do I upgrade to {plan}?", "can i change my plan to {plan}"),
         ("You can upgrade to {plan} under Account > Subscriptions > Change plan. The upgrade is "
          "immediate and you'll pay a prorated {amount} today.",
          "{plan} costs {plan_price} per month, and you can switch plans as often as you like.")),
        (("Can I add more cloud storage?",),
         ("Sure, Brightwave Cloud comes in 200 GB and 2 TB tiers, and upgrading keeps all your files "
          "where they are.",)),
        (("Can I downgrade my plan?",),
         ("You can downgrade anytime; the change takes effect at your next renewal on {date2}, so you "
          "keep your current features until then.",)),
        (("Is Brightwave One worth it?",),
         ("Brightwave One bundles Stream Premium, Cloud 2 TB and extended returns for $24.99 per "
          "month, cheaper than buying them separately.",)),
        (("Can I share my plan with family?",),
         ("Family sharing lets up to 5 people use your plan with their own profiles. Invite them "
          "under Account > Family.",)),
    ),
    ("We have three TVs at home.", "My kids want their own profiles."),
    ("Upgrades apply instantly, downgrades at the next renewal.",
     "Your watch history and downloads carry over when you switch plans."),
)

STREAMING_PLAYBACK = (
    (
        (("Brightwave Stream keeps buffering on my {product}", "stream keeps loading and loading"),
         ("Buffering usually comes from the network. Restart your router and the {product}, and if "
          "you can, use an Ethernet cable; Stream needs about 15 Mbps for HD.",)),
        (("Video quality is really blurry tonight",),
         ("Picture quality adapts to your connection speed. You can see the current bitrate under "
          "Settings > Playback > Playback info.",)),
        (("I get error {error_code} when I try to play anything",),
         ("Error {error_code} means the app couldn't verify your licence. Signing out and back in "
          "refreshes it, which fixes it in most cases.",)),
        (("Sound is out of sync with the picture on {show}",),
         ("To fix the audio delay, open Settings > Audio > Sync offset on the player, or switch the "
          "sound output from Auto to Stereo.",)),
        (("The app crashes when I open {show}",),
         ("Please update the Stream app to version {firmware} and clear its cache; the crash with "
          "{show} was fixed in that release.",)),
        (("Subtitles won't turn off",),
         ("Subtitles are set per profile. During playback, open the speech bubble menu and choose "
          "'Off'; it'll remember that next time.",)),
        (("Why can't I download episodes of {show}?",),
         ("Some titles, including {show}, can't be downloaded due to licensing. Downloads are also "
          "limited to 25 titles per device.",)),
        (("Stream says 'too many devices'",),
         ("Your plan allows a set number of screens at once. You can see and sign out other devices "
          "under Account > Devices.",)),
        (("Playback stops every 10 minutes on my Lumen TV",),
         ("That sounds like the TV's energy saver switching off the network. Disable Settings > Power "
          "> Eco network standby and it should stop.",)),
    ),
    ("My internet is otherwise fine.", "It started after the last update.",
     "We were halfway through {show}."),
    ("You can run a speed test from Settings > Network on most Brightwave devices.",
     "If it keeps happening, a diagnostic report from Settings > Help helps our engineers a lot."),
)

CLOUD_STORAGE = (
    (
        (("My photos aren't backing up to Brightwave Cloud",),
         ("Backup pauses when Battery Saver is on or you're on mobile data. Open Cloud > Settings, "
          "allow backup on mobile data if you like, and open the app once to restart it.",)),
        (("How much storage do I have left?",),
         ("You're using {storage} of your storage. There's a breakdown by file type under Cloud > "
          "Storage.",)),
        (("Cloud says storage full but I only have {storage} of files",),
         ("Recently deleted items and device backups also count toward your quota. Emptying Recently "
          "deleted usually frees up the difference.",)),
        (("I deleted a folder by accident, can I get it back?",),
         ("Deleted files stay in Cloud > Recently deleted for 30 days. Select the folder there and "
          "choose Restore.",)),
        (("Can I share an album with my family?",),
         ("Open the album, tap Share and invite people by email. They can view it without a "
          "Brightwave account.",)),
        (("How do I download everything from my cloud?",),
         ("Use the web app at cloud.brightwave.example, select everything and download it as a zip, "
          "or let the desktop app sync a full copy.",)),
        (("is brightwave cloud encrypted?",),
         ("Files are encrypted in transit and at rest. You can also turn on Advanced Protection for "
          "end-to-end encryption of photos and notes.",)),
        (("Sync is stuck at 99% on my Arc laptop",),
         ("A sync stuck at 99% is usually a single file that's open or too large. The desktop app's "
          "activity panel shows which one, and closing it lets the sync finish.",)),
    ),
    ("I'm on the {plan} plan.", "It was working fine last week."),
    ("Cloud 2 TB is $9.99 per month if you need more room.",
     "Photos shared in albums don't count against your family members' storage."),
)

STORE_HOURS = (
    (
        (("What time does the Brightwave store in {city} open?", "are you open on sundays"),
         ("The Brightwave store in {city} is open {store_hours} Monday to Saturday, and 11am–5pm on "
          "Sundays.",)),
        (("Is the {city} store open on public holidays?",),
         ("On public holidays the {city} store opens {store_hours}; hours for specific dates are "
          "posted on the store page a week ahead.",)),
        (("What are your live chat hours?",),
         ("Live chat is available 24/7. Phone and email support run 8am–10pm local time, seven days "
          "a week.",)),
        (("Can I book an appointment at the {city} store for a repair?",),
         ("I've booked a Tech Bar appointment at the {city} store for {weekday} at {time}. Please "
          "bring the device and its charger.",)),
        (("Where's your nearest store to {city}?",),
         ("The closest store to {city} is in {mall}, about {minutes} minutes away. It's open "
          "{store_hours}.",)),
        (("Is there parking at the {city} store?",),
         ("Yes, the {city} store has free customer parking for 2 hours; just validate your ticket "
          "at the counter.",)),
        (("Does the {city} store have the {product} in stock?",),
         ("The {city} store shows the {product} in stock right now. You can reserve it online and "
          "collect it within 2 hours.",)),
    ),
    ("I'd like to come by on {weekday}.", "I'm visiting from out of town."),
    ("Appointments can be moved up to an hour before the start time.",
     "Stores are busiest on Saturday afternoons, so mornings are quieter."),
)

SERVICE = {
    "password_reset": PASSWORD_RESET, "account_deletion": ACCOUNT_DELETION,
    "subscription_cancel": SUBSCRIPTION_CANCEL, "plan_change": PLAN_CHANGE,
    "streaming_playback": STREAMING_PLAYBACK, "cloud_storage": CLOUD_STORAGE,
    "store_hours": STORE_HOURS,
}
