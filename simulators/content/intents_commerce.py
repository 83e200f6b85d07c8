"""Intent tables for orders, delivery and money: what customers ask and what the bot answers.

Each intent is ``(exchanges, contexts, followups)``. An exchange pairs paraphrases of one question
with answers to *that* question, so a turn stays coherent; contexts are sentences a customer may
add; followups are optional second sentences of a reply (also used as padding by a verbose model).
Slots such as ``{order_id}`` are listed in ``slots.py``.
"""

ORDER_STATUS = (
    (
        (("where is my order {order_id}?", "Can you tell me the status of order {order_id}?",
          "order status {order_id}", "Is order {order_id} still on track for delivery this week?"),
         ("Order {order_id} left our warehouse on {date} with {carrier}. The tracking number is "
          "{tracking}, and it should arrive within {days} business days.",
          "Order {order_id} is in transit with {carrier}. The latest scan was in {city}, so it's on "
          "its way to you.",
          "I found order {order_id}. It's out for delivery today, so keep an eye out for the courier.")),
        (("I ordered a {product} on {date} and haven't heard anything since. Has it shipped?",
          "Has my {product} been dispatched yet? Order number is {order_id}."),
         ("Your {product} is packed and waiting for the courier. Orders usually move from "
          "'preparing' to 'shipped' within 24 hours.",
          "Yes, your {product} shipped on {date} with {carrier}, tracking number {tracking}.")),
        (("my order {order_id} still says processing, is that normal?",
          "The app says my order is 'preparing' for ages now. What does that mean?"),
         ("'Processing' means we're verifying payment and picking the items. Order {order_id} should "
          "move to shipped by {weekday}.",
          "That's normal for the first day or two: we confirm payment and stock first. I can see it's "
          "scheduled to ship on {date}.")),
        (("It's been {days} days since I placed order {order_id}. Any update?",
          "I need an update on {order_id} please, it was supposed to arrive by {weekday}."),
         ("Sorry for the wait. Order {order_id} is held at the {carrier} depot in {city} after a "
          "delivery exception. You can rebook delivery with tracking number {tracking}.",
          "It looks like {order_id} was split into two parcels. The first shipped on {date}; the "
          "second will follow within {days} days.")),
        (("It says delivered but I don't have my {product}.",
          "Tracking for {order_id} says delivered and there's nothing here."),
         ("I can see order {order_id} was marked delivered on {date}. Couriers sometimes leave parcels "
          "with a neighbour; if it hasn't turned up by tomorrow, I'll open a missing parcel claim.",
          "I'm sorry about that. I've opened a missing parcel investigation ({ticket}) with {carrier}, "
          "and if it isn't found within 48 hours we'll send a replacement.")),
        (("How do I check where my order is?", "where can i see my orders"),
         ("You'll find every order under Orders in the Brightwave app or website, with live tracking "
          "once it ships.",)),
        (("Could you check whether my {product} order went through? I never got a confirmation email.",),
         ("The order went through on {date}. I've re-sent the confirmation email to the address on "
          "your account.",)),
    ),
    ("I need it before {date}.", "It's a birthday present.", "I paid for express shipping.",
     "The confirmation email only shows the order number.", "I'm in {city} if that helps."),
    ("You can follow every step in the Orders tab of the Brightwave app.",
     "Tracking can take up to 24 hours to show the first scan.",
     "If the parcel needs a signature, the courier will leave a card with pickup details.",
     "Delivery estimates exclude weekends and public holidays.",
     "I've set up a delivery notification for you on this order."),
)

SHIPPING = (
    (
        (("How much is shipping to {city}?", "what shipping options do you have",
          "How long does standard shipping take?"),
         ("Standard shipping is free on orders over $35 and takes {days} business days. Express "
          "delivery costs $9.99 and usually arrives within 2 business days.",
          "You can choose standard (free over $35), express ($9.99, 1–2 days) or Click & Collect at "
          "your local store.")),
        (("Do you ship internationally?", "Can I order from abroad and ship to {city}?"),
         ("Yes, we ship to over 30 countries. Delivery times and import fees depend on the "
          "destination and are shown at checkout.",)),
        (("Can I change the delivery address on order {order_id}?", "I'm moving, can I update the "
          "address for {order_id}?"),
         ("I've updated the delivery address on order {order_id}. Since it hasn't shipped yet, the "
          "change takes effect immediately.",
          "Order {order_id} has already left with {carrier}, so the address has to be changed with "
          "them. Use tracking number {tracking} on their site to redirect it.")),
        (("Is next-day delivery available for the {product}?",),
         ("Next-day delivery is available for the {product} if you order before 2 pm on a weekday.",)),
        (("do you deliver on weekends??", "Can I get a Saturday delivery?"),
         ("Weekend delivery is available in most areas for an extra $4.99; the option appears at "
          "checkout when your postcode is eligible.",)),
        (("Is express shipping worth it, how fast is it really",),
         ("Express orders placed before noon are dispatched the same day, and {carrier} typically "
          "delivers them within 1–2 business days.",)),
        (("Can I pick up my order at a Brightwave store instead?",),
         ("You can choose Click & Collect at checkout and pick your order up at the Brightwave store "
          "in {city}, usually within {days} days.",)),
        (("My tracking number {tracking} hasn't updated in {days} days.",
          "tracking hasnt moved since {weekday}, is my parcel lost?"),
         ("Apologies for the silence on tracking number {tracking}. Parcels sometimes skip scans "
          "between depots; I've asked {carrier} to investigate and you'll hear back within 48 hours.",)),
        (("Can I get my order delivered to my office instead of home?",),
         ("Absolutely, you can enter any address at checkout, including a workplace. Just add the "
          "company name so the courier finds the right reception.",)),
        (("Which courier do you use for {city}?",),
         ("We use {carrier} for most deliveries to {city}. Once your order ships, you'll get the "
          "tracking details by email.",)),
    ),
    ("Nobody is home during the day.", "I'm a Brightwave One member if that matters.",
     "It's for a gift so timing matters."),
    ("Once an order has shipped, address changes need to go through the courier directly.",
     "Large items like TVs are delivered by a two-person team and need a booked time slot.",
     "Brightwave One members get express shipping at no extra cost.",
     "You can track the parcel live on the courier's site once it's out for delivery."),
)

RETURNS = (
    (
        (("How do I return my {product}?", "I want to send back the {product}, it's not what I "
          "expected.", "where do i print the return label"),
         ("You can return most items within 30 days of delivery. Start the return under Orders > "
          "Return item, and we'll email you a prepaid {carrier} label.",
          "I've started a return for your {product}. Your return authorisation is {rma}, and the "
          "prepaid label is on its way to your inbox.",
          "The return label is under Orders > Returns. You can print it, or show the QR code at any "
          "{carrier} drop-off point.")),
        (("what's your return policy", "How long do I have to return order {order_id}?"),
         ("Our standard return window is 30 days from delivery, extended to 60 days for Brightwave One "
          "members. Items should be complete with all accessories.",
          "Order {order_id} is eligible for return until {date}. You can start it any time before then "
          "from your account.")),
        (("Can I return something I bought in the {city} store online?",),
         ("Yes, store purchases can be returned online or at any Brightwave store. Include the "
          "receipt so we can match the purchase.",)),
        (("Do I need the original box to return an item?",),
         ("The original box is helpful but not required. Please pack the item securely and include "
          "all cables and accessories.",)),
        (("Is there a restocking fee for returns?",),
         ("There's no restocking fee for returns within 30 days, as long as the item isn't "
          "damaged.",)),
        (("I opened the {product} but never used it, can I still return it?",),
         ("Opened items are fine to return within the 30-day window. We only ask that it's in good "
          "condition and factory reset if it stores data.",)),
        (("Can I exchange my {product} for a different colour?", "can i swap it for the bigger "
          "model instead"),
         ("Exchanges are quickest as a return plus a new order, so you're not waiting for the first "
          "item to arrive back. I can place the new order for you if you like.",)),
    ),
    ("I bought it on {date}.", "It still has the plastic film on.", "The box is a bit damaged."),
    ("Refunds are issued to the original payment method once the item is inspected.",
     "Please remember to sign out of your Brightwave account on the device before sending it.",
     "Keep the drop-off receipt until the refund arrives, just in case.",
     "Return shipping is free for faulty items."),
)

REFUND = (
    (
        (("When will I get my refund for {order_id}?", "Refund status for return {rma}?",
          "I returned my {product} {days} days ago and still no refund."),
         ("Your refund of {amount} for order {order_id} was approved on {date}. Banks usually take "
          "3–5 business days to show it.",
          "Return {rma} arrived at our warehouse on {date} and the refund is in progress. You should "
          "see it by {weekday}.",
          "We received your {product} and it passed inspection. The refund of {amount} has been "
          "issued to your original payment method.")),
        (("Can I get a refund for my {plan} subscription? I forgot to cancel.",),
         ("I've refunded the last charge of {amount} for {plan} as a one-time courtesy and cancelled "
          "the renewal, so you won't be charged again.",)),
        (("How long do refunds take to hit my bank?",),
         ("Refunds are processed within 2 business days of us receiving the item; after that it "
          "depends on your bank, usually 3–5 business days.",)),
        (("Do you refund to PayPal or only cards?",),
         ("Refunds always go back to the original payment method, including PayPal, Apple Pay and "
          "gift cards.",)),
        (("i was charged for an order i cancelled, i want my money back",),
         ("I can see the cancelled order and the {amount} charge. That's a pending authorisation, "
          "not a completed payment, and it should drop off within 5 business days.",)),
        (("I'd like a refund of {amount} for a double charge.",),
         ("You're right, the payment was taken twice. I've refunded the duplicate {amount}, and "
          "you'll get a confirmation email shortly.",)),
        (("Can you refund the difference? The {product} dropped in price right after I bought it.",),
         ("We offer price adjustments within 14 days of purchase, so I've refunded the {amount} "
          "difference to your card.",)),
        (("The refund you sent is less than what I paid. Why?",),
         ("The difference is the original shipping charge, which isn't refundable for change-of-mind "
          "returns. Everything else, {amount}, has been refunded.",)),
    ),
    ("I paid by card.", "I have the drop-off receipt.", "My bank says nothing is pending."),
    ("Your reference for this refund is {ticket}.",
     "If it hasn't arrived after 7 business days, reply here and we'll trace it with the bank.",
     "Gift card refunds appear instantly in your Brightwave wallet.",
     "Partial refunds show as a separate line on your statement."),
)

BILLING = (
    (
        (("Why was I charged {amount} on {date}?",
          "There's a Brightwave charge on my statement I don't recognise.",
          "Why does my statement say BRIGHTWAVE*DIGITAL?"),
         ("The {amount} charge on {date} is the monthly renewal of your {plan} plan. Your next "
          "billing date is {date2}.",
          "Charges from us appear as BRIGHTWAVE*STORE for hardware and BRIGHTWAVE*DIGITAL for "
          "subscriptions. The one you're seeing is for {plan}.")),
        (("my bill went up this month, why?", "Why is {plan} more expensive now?"),
         ("Your bill went up because the promotional price for {plan} ended on {date}. The regular "
          "price is {plan_price} per month.",)),
        (("Can I get an invoice for order {order_id}? I need it for work.",),
         ("I've emailed a VAT invoice for order {order_id} to the address on your account. You can "
          "also download invoices under Account > Billing.",)),
        (("How do I see my billing history?",),
         ("Your full billing history is under Account > Billing > History, with downloadable PDFs.",)),
        (("I was charged twice for {plan}.",),
         ("I can see two charges for {plan} this month. One is an authorisation that will be released "
          "automatically; if it's still there by {weekday}, let me know.",)),
        (("When is my next billing date?",),
         ("Your next billing date is {date2}, and you'll be charged {plan_price} for {plan}.",)),
        (("Can I switch to annual billing?",),
         ("Annual billing saves about two months' worth of fees. I can switch {plan} to annual at "
          "your next renewal on {date2}.",)),
        (("Do you charge VAT on subscriptions?", "is sales tax included in the {plan} price"),
         ("Subscription prices include applicable sales tax or VAT, and it's itemised on each "
          "invoice.",)),
    ),
    ("I only have one subscription.", "I'm self-employed, so I need proper invoices."),
    ("You can change your billing date once a year under Account > Billing.",
     "Invoices are kept for seven years in your account.",
     "I've turned on an email reminder three days before each renewal."),
)

PROMO_CODES = (
    (
        (("my promo code {promo} isn't working", "Code {promo} won't apply at checkout?"),
         ("The code {promo} is valid for orders over $50 and excludes items already on sale, which "
          "is why it didn't apply to your basket.",
          "Codes are case-sensitive and {promo} only works on hardware. If your basket qualifies, try "
          "removing and re-adding it.")),
        (("Do you have any discount codes right now?", "any deals at the moment?"),
         ("Right now there's {percent}% off accessories with code {promo} until {date}. New "
          "subscribers also get their first month of Stream Plus free.",)),
        (("How do I get the newsletter discount?",),
         ("Signing up for the newsletter gives you a one-time {percent}% code, sent within "
          "minutes.",)),
        (("Is there a student discount?",),
         ("Yes, verified students get {percent}% off laptops and tablets through our education "
          "store.",)),
        (("Can I use two promo codes on one order?",),
         ("Only one promo code can be used per order, but it can be combined with trade-in credit "
          "and gift cards.",)),
        (("I forgot to enter my code {promo} at checkout, can you apply it to {order_id}?",),
         ("Since order {order_id} was placed within the last 14 days, I've applied {promo} "
          "retroactively and refunded {amount} to your card.",)),
        (("the code says expired but the email said valid until {date}",),
         ("Apologies, that code ended a day earlier than the email said. I've issued a replacement "
          "code that's valid until {date}.",)),
        (("Do promo codes work on the {product}?",),
         ("The {product} is eligible for most promotions, but codes can't be used on pre-orders or "
          "gift cards.",)),
        (("Does {promo} work on subscriptions too?",),
         ("{promo} works on hardware only; subscription offers are applied automatically at "
          "sign-up.",)),
    ),
    ("It says 'invalid code'.", "I got the code in a newsletter."),
    ("Promo codes don't apply to shipping fees.",
     "Brightwave One members see member prices automatically."),
)

PAYMENT_METHOD_UPDATE = (
    (
        (("How do I change the card on my account?", "How do I set a default payment method?"),
         ("You can update your card under Account > Payment methods > Add new. Once it's added, tap "
          "'Set as default' and remove the old one.",
          "Open Account > Payment methods, choose the card you want and select 'Make default'. All "
          "renewals will use it from then on.")),
        (("My card expired, how do I update it so {plan} doesn't cancel?",
          "Payment failed for my subscription, what now?"),
         ("Add the new card in Account > Payment methods before {date2}, and your {plan} renewal will "
          "use it automatically.",
          "When a renewal payment fails, we retry after 3 days and keep your {plan} active for 7 days. "
          "Updating your card now clears the failed payment.")),
        (("Can I pay with PayPal instead of my card?",),
         ("Yes, PayPal is supported for orders and subscriptions. Choose it under Payment methods and "
          "sign in to PayPal to link it.",)),
        (("Do you accept Apple Pay?", "what payment methods do you take"),
         ("We accept Apple Pay, Google Pay, PayPal and all major credit and debit cards.",)),
        (("i want to remove my old card ending {last4}",),
         ("I've removed the card ending {last4} from your account. It won't be used for any future "
          "charges.",)),
        (("Can I use a gift card to pay for {plan}?",),
         ("Brightwave gift cards can pay for subscriptions. Redeem the code under Account > Wallet "
          "and the balance is used before your card.",)),
        (("update billing address for my card",),
         ("The billing address is edited with the card: Payment methods > the card > Edit billing "
          "address.",)),
    ),
    ("My bank sent me a new card.", "I'd rather not keep my card saved."),
    ("For your security, we never ask for your full card number over chat.",
     "Your bank may show a small temporary authorisation when you add a card.",
     "Removed cards are deleted from our systems within 24 hours."),
)

COMMERCE = {
    "order_status": ORDER_STATUS, "shipping": SHIPPING, "returns": RETURNS, "refund": REFUND,
    "billing": BILLING, "promo_codes": PROMO_CODES, "payment_method_update": PAYMENT_METHOD_UPDATE,
}
