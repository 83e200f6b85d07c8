"""Intent tables for products and devices, including the newly launched Brightwave Nova headset
(``new_product_preorder`` and ``new_product_support``), which an intent-shift scenario can switch
on: its vocabulary (Nova, pre-order, IPD, launch wave) is absent from the other intents, so
embedding drift has something real to find. Same shape as ``intents_commerce``.
"""

PRODUCT_QUESTION = (
    (
        (("Does the {product} support Bluetooth 5.3?",),
         ("Yes, the {product} supports Bluetooth 5.3 with multipoint, so it can stay connected to two "
          "devices at once.",)),
        (("Can I use the {product} with an iPhone?",),
         ("It works with both iPhone and Android, and the Brightwave app for setup and updates is on "
          "both app stores.",)),
        (("What's the battery life of the {product}?", "how long does the {product} last on a charge"),
         ("The {product} lasts up to {hours} hours on a full charge, and a 10-minute quick charge "
          "adds about 2 hours.",)),
        (("Is the {product} waterproof?",),
         ("It's rated IP67, so it handles rain, splashes and a brief dip, but it isn't designed for "
          "swimming.",)),
        (("Which is better for a small room, the Pulse 500 or the Halo Max?",),
         ("For a small room, the Halo Max fills the space more evenly, while the Pulse 500 is better "
          "if it sits under a TV.",)),
        (("Does the {product} come with a charger?", "what's in the box with the {product}"),
         ("The {product} comes with a USB-C cable; the power adapter is sold separately to reduce "
          "packaging waste.",)),
        (("What colours does the {product} come in?",),
         ("The {product} comes in Graphite, Frost White and Ocean Blue, though availability varies "
          "by store.",)),
        (("how big is the {product}",),
         ("Full dimensions and weight are on the product page under Specifications; in short, it's "
          "compact enough for a backpack.",)),
        (("Is the {product} compatible with Alexa or Google Home?",),
         ("It works with Alexa and Google Home through the Brightwave skill, and it supports Matter "
          "for other platforms.",)),
        (("Will the {product} work in the UK if I buy it in the US?",),
         ("The {product} has a universal 100–240 V power supply, so it works in the UK with a plug "
          "adapter, and the warranty is valid internationally.",)),
    ),
    ("I'm deciding between two models.", "It's for my dad.", "I saw it in the {city} store."),
    ("You can compare models side by side on our website.",
     "Our product specialists in store can give you a demo if you'd like to try it first."),
)

TECHNICAL_SUPPORT = (
    (
        (("My {product} won't turn on", "{product} is completely dead, no lights"),
         ("Let's try a hard reset: hold the power button for 20 seconds, release, then charge it "
          "with the original charger for 30 minutes before turning it on.",)),
        (("the wifi on my Orbit router keeps dropping", "internet cuts out every evening"),
         ("Dropouts are often caused by channel interference. In the Brightwave app, open Orbit > "
          "Advanced > Wi-Fi channel, set it to Auto, then restart the router.",)),
        (("{product} is stuck on the logo screen",),
         ("A stuck boot screen usually clears with a recovery restart: hold volume down and power "
          "together for 15 seconds until it restarts.",)),
        (("How do I factory reset the {product}?",),
         ("To factory reset the {product}, go to Settings > System > Reset, or hold the reset pin for "
          "10 seconds. This erases all data, so back up first.",)),
        (("Firmware update failed with error {error_code}",),
         ("Error {error_code} means the download was interrupted. Keep the device plugged in, connect "
          "to a stable network and retry the update to {firmware}.",)),
        (("My laptop fan is super loud",),
         ("A loud fan usually means dust or a background task at full load. Switch to Balanced mode "
          "in Brightwave Control Center and check which app is using the CPU.",)),
        (("bluetooth won't pair with my car",),
         ("Remove the car from the device's Bluetooth list, delete the device from the car's list, "
          "then pair again with the car stationary.",)),
        (("The screen on my {product} is flickering",),
         ("Flickering after an update is fixed in firmware {firmware}. Go to Settings > Updates to "
          "install it.",)),
        (("Can't connect {product} to wifi after the update",),
         ("Forget the Wi-Fi network on the {product}, restart it and reconnect. The update changed "
          "the security settings, so the saved password needs entering again.",)),
        (("my earbuds only play in one ear",),
         ("One-sided audio is usually a balance setting or a blocked mesh. Check Settings > "
          "Accessibility > Audio balance, and clean the mesh gently with a dry brush.",)),
    ),
    ("It's only {months} months old.", "I already tried turning it off and on.",
     "The light just blinks."),
    ("If that doesn't help, I can book a repair under warranty.",
     "Your ticket number is {ticket} in case we need to follow up.",
     "A diagnostic log from the Brightwave app helps our engineers find the cause faster."),
)

WARRANTY_CLAIM = (
    (
        (("My {product} broke after {months} months, is it under warranty?",
          "The hinge on my Arc laptop snapped on its own"),
         ("All Brightwave devices have a 2-year limited warranty, so you're covered. I've opened claim "
          "{rma} and emailed you a prepaid shipping label.",
          "That sounds like a manufacturing defect, which the warranty covers. I've opened claim "
          "{rma}; you can drop it at the {city} store or send it in.")),
        (("How do I make a warranty claim?",),
         ("You can start a claim under Support > Warranty in your account. You'll need the serial "
          "number, which is on the box and in Settings > About.",)),
        (("The battery in my {product} barely lasts an hour now",),
         ("Battery capacity below 80% within the warranty period counts as a defect, so I've opened "
          "claim {rma} for a replacement battery.",)),
        (("Does the warranty cover a cracked screen?",),
         ("Accidental damage like a cracked screen isn't covered by the standard warranty, but "
          "Brightwave Care covers it for a $49 service fee.",)),
        (("I lost my receipt, can I still claim warranty?",),
         ("No problem, we can verify the purchase with the serial number and your order history.",)),
        (("What's the status of my repair {rma}?",),
         ("Repair {rma} is in progress at our service centre; the technician expects to ship it back "
          "by {date}.",)),
        (("Can I extend the warranty on my {product}?",),
         ("You can add Brightwave Care within 60 days of purchase, extending cover to 3 years with "
          "accidental damage protection.",)),
    ),
    ("I bought it on {date}.", "I've always used the original charger."),
    ("Repairs usually take {days} business days once we receive the device.",
     "We'll email you at every step of the repair."),
)

NEW_PRODUCT_PREORDER = (
    (
        (("When does the Brightwave Nova ship?", "Nova release date?"),
         ("The Brightwave Nova ships from {nova_date}. Pre-orders go out in launch waves, and you'll "
          "get an email with your slot a week before.",)),
        (("How much is the Nova headset?", "Nova price?"),
         ("Nova starts at $499 with 256 GB, and Nova Pro is $699 with 512 GB and the charging dock "
          "included.",)),
        (("What's the difference between Nova and Nova Pro?",),
         ("Nova Pro adds eye tracking, a brighter micro-OLED display and twice the storage; both share "
          "the same spatial audio.",)),
        (("Can I pre-order the Nova in {nova_color}?",),
         ("Yes, Nova is available to pre-order in {nova_color}. Pre-orders placed today are in launch "
          "wave {wave}.",)),
        (("Is there a trade-in offer for the Nova?",),
         ("You can trade in an eligible headset or phone for up to $150 off the Nova; the credit is "
          "applied when your Nova ships.",)),
        (("I pre-ordered the Nova, order {order_id}, when will I get it?",),
         ("Your Nova pre-order {order_id} is in launch wave {wave} and expected to ship on "
          "{nova_date}.",)),
        (("Does the Nova work with my Vega phone?",),
         ("Nova pairs with Vega phones, most Android phones from the last 3 years, and iPhone via the "
          "Brightwave app.",)),
        (("Can I get prescription lenses for the Nova?", "Is the Nova good for people who wear "
          "glasses?"),
         ("Prescription lens inserts from our optical partner will be available at launch; you can "
          "add them after checkout by entering your prescription.",
          "Nova fits over most glasses frames up to 150 mm wide, and prescription inserts are an "
          "option if you'd rather not wear them.")),
        (("is the Nova preorder deposit refundable?",),
         ("The $50 pre-order deposit is fully refundable until your Nova ships, and it's deducted from "
          "the final price.",)),
        (("Will the Nova be in stores on launch day?",),
         ("Nova will be in Brightwave stores on launch day, with demo booths in most locations "
          "including {city}.",)),
        (("How long does the Nova battery last?",),
         ("Nova gets about 2.5 hours of mixed use per charge, and it runs indefinitely while plugged "
          "in.",)),
    ),
    ("I saw the launch video.", "I want it for my birthday on {date}.",
     "I'm trading in my old headset."),
    ("Nova pre-orders come with 3 months of Stream Premium included.",
     "You'll be able to book an in-store fitting once your order ships.",
     "Demand is high, so pre-orders ship in the order they were placed."),
)

NEW_PRODUCT_SUPPORT = (
    (
        (("My new Nova won't pair with the app",),
         ("Turn on Bluetooth and location, update the Brightwave app, then hold the Nova's power "
          "button for 5 seconds until the light pulses white to enter pairing mode.",)),
        (("The Nova display is blurry",),
         ("A blurry image usually means the lens spacing doesn't match your eyes. Turn the IPD wheel "
          "under the headset until text looks sharp.",)),
        (("Nova tracking drifts when I move my head",),
         ("Tracking drift is fixed in Nova firmware {firmware}. After updating, re-scan your room "
          "under Settings > Tracking > Reset space.",)),
        (("Nova charging dock light blinking orange",),
         ("A blinking orange light means the headset isn't seated on the dock contacts. Lift it off, "
          "wipe the contacts and place it back firmly.",)),
        (("How do I set up guardian boundaries on the Nova?",),
         ("Open Settings > Boundary on the Nova and trace your play area with the controller; it's "
          "saved per room.",)),
        (("The Nova strap hurts after 20 minutes",),
         ("Try moving the top strap so the weight sits on your forehead, and swap in the larger "
          "facial interface from the box.",)),
        (("Nova audio crackles during calls",),
         ("Call crackling is fixed in the {firmware} update. Until then, switching the microphone to "
          "Standard mode helps.",)),
        (("Can I cast the Nova view to my Lumen TV?",),
         ("Open Quick Settings > Cast and pick your Lumen TV; both need to be on the same Wi-Fi "
          "network.",)),
    ),
    ("I got it on launch day.", "It's running firmware {firmware}."),
    ("Nova firmware updates install overnight while it's on the dock.",
     "The Nova tips videos in the Brightwave app cover fit and setup in two minutes."),
)

PRODUCTS = {
    "product_question": PRODUCT_QUESTION, "technical_support": TECHNICAL_SUPPORT,
    "warranty_claim": WARRANTY_CLAIM, "new_product_preorder": NEW_PRODUCT_PREORDER,
    "new_product_support": NEW_PRODUCT_SUPPORT,
}
