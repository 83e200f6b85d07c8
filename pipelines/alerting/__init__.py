"""Alert rules and escalation, as pure functions of window results and explicit event time.

Per closed window the worker calls :func:`pipelines.alerting.engine.step`, which does, in order
(state is plain JSON-able dicts the worker stores)::

    samples = metrics.extract(result)
    rule_state, t1 = rules.evaluate(threshold_rules, samples, window_end, rule_state)
    burn_state, t2 = burn_rate.evaluate(burn_rules, result, window_end, burn_state)
    firing = rules.firing(rule_state) + rules.firing(burn_state["alerts"])
    esc_state, records = escalation.step(routing, firing, window_end, esc_state)
"""

# Alert severities, most urgent first; escalation.yaml must define a policy for each.
SEVERITIES: tuple[str, ...] = ("critical", "warning", "ticket")
