/// The built-in methods, kept as YAML text in the binary and read by the same parser as
/// user methods. Embedded rather than shipped as SwiftPM resources: on Linux `Bundle.module`
/// finds its resource folder by a path fixed at build time and traps when the binary is moved
/// or installed; text in the binary always works. `MethodLibrary.exportBuiltins(to:)` writes
/// them out as files to edit, and a methods directory overrides them by name.
///
/// Prompts are our own wording of each method's description (Yu et al. 2024; RaR: Deng et al.
/// 2023; S2A: Weston & Sukhbaatar 2023; BSM: Saha et al. 2023).
public enum BuiltinMethods {
    /// Method name → YAML text, in a stable order.
    public static let yaml: [(name: String, text: String)] = [
        ("system1", system1), ("respond", respond), ("cot", cot), ("cot-fewshot", cotFewShot), ("rar1", rar1), ("rar2", rar2),
        ("s2a", s2a), ("bsm", bsm), ("bsm-sum", bsmSum), ("program", program),
    ]

    static let system1 = """
    name: system1
    description: System 1 - answer directly with the final answer only, no reasoning.
    steps:
      - name: answer
        prompt: |-
          {input}
          {format} Reply with the answer only, without any explanation.
        max_tokens: 48

    """

    /// System 1 for whole free-form responses (`--answer-kind response`): the question alone,
    /// with room for a response, since the response itself is the answer.
    static let respond = """
    name: respond
    description: System 1 for free-form responses - answer the question directly, without reasoning first.
    steps:
      - name: answer
        prompt: |-
          {input}
          {format}
        max_tokens: 256

    """

    /// Program-aided reasoning (PaD, Zhu et al. 2023) as a System 2 method: the model writes a
    /// program, the sandbox runs it, and its return value is the answer.
    static let program = """
    name: program
    description: Program-aided - write a Python function solution() that computes the answer; the sandbox runs it.
    answer_from: program
    steps:
      - name: answer
        prompt: |-
          {input}
          {format}
          Write a Python function solution() that computes the answer step by step and returns it. Reply with the code only.

    """

    static let cot = """
    name: cot
    description: Zero-shot chain of thought - reason step by step, then state the answer.
    steps:
      - name: answer
        prompt: |-
          {input}
          {format}
          Let's think step by step. Finish with a last line of the form "The answer is <answer>."

    """

    static let cotFewShot = """
    name: cot-fewshot
    description: Few-shot chain of thought with worked examples from the task's gold rationales.
    steps:
      - name: answer
        prompt: |-
          Here are some solved examples.

          {exemplars}

          Solve the next one in the same way, reasoning step by step.
          Question: {input}
          {format} Finish with a last line of the form "The answer is <answer>."

    """

    static let rar1 = """
    name: rar1
    description: Rephrase and Respond, one call - restate and expand the question, then answer it.
    steps:
      - name: answer
        prompt: |-
          {input}
          {format}
          First restate the question in your own words, expanding it so that every detail needed \
    to answer it is explicit. Then answer it, and finish with a last line of the form "The answer is <answer>."

    """

    static let rar2 = """
    name: rar2
    description: Rephrase and Respond, two calls - rewrite the question, then answer seeing both versions.
    steps:
      - name: rephrase
        prompt: |-
          {input}
          Rewrite the question above so that it is clearer and more detailed, keeping every piece \
    of information it contains. Reply with the rewritten question only; do not answer it.
        max_tokens: 256
      - name: answer
        prompt: |-
          Original question:
          {input}

          The same question, rewritten to be clearer:
          {steps.rephrase}

          Answer the original question, using the rewritten version to understand it. {format}
          Finish with a last line of the form "The answer is <answer>."

    """

    static let s2a = """
    name: s2a
    description: System 2 Attention - rewrite the input keeping only relevant, unbiased content, then answer from the rewrite alone.
    steps:
      - name: rewrite
        prompt: |-
          Here is a message from a user:

          {input}

          Rewrite this message keeping only the information needed to answer it and the question \
    itself (with any answer options). Leave out the user's opinions, guesses, preferences and \
    anything else that could bias the answer. Use this layout:
          Context: <relevant, unbiased context, or "none">
          Question: <the actual question>
        max_tokens: 256
      - name: answer
        prompt: |-
          {steps.rewrite}

          Answer the question above. {format}
          Finish with a last line of the form "The answer is <answer>."

    """

    /// BSM's branch step and its solve step up to the scoring sentence, shared by `bsm` and
    /// `bsm-sum` (YAML list items, so indented for a `steps:` list).
    static let bsmBranchAndSolve = """
      - name: branch
        prompt: |-
          Two responses to the following question are to be compared:

          {question}

          List the criteria (at most five) that matter most for judging responses to this \
    particular question, such as correctness, relevance, completeness or clarity. Write one \
    criterion per line as "1. Name: what to check". Do not judge any response yet.
        max_tokens: 200
      - name: solve
        for_each: branch
        max_items: 5
        prompt: |-
          Question:
          {question}

          [Response A]
          {response_a}

          [Response B]
          {response_b}

          Evaluate both responses on this one criterion only:
          {item}


    """

    static let bsm = """
    name: bsm
    description: Branch-Solve-Merge for pairwise judging - plan criteria, judge both responses per criterion, merge into a verdict.
    steps:
    \(bsmBranchAndSolve)\
          Explain briefly how well each response meets it, then score each from 1 to 10 as \
    "Response A: <score>/10, Response B: <score>/10".
        max_tokens: 300
      - name: merge
        prompt: |-
          Question:
          {question}

          Two responses, A and B, were evaluated criterion by criterion:

          {steps.solve}

          Weigh these evaluations into one overall judgement of which response is better. Do not \
    let the order in which the responses were shown or their length sway you. {format}
          Finish with the verdict on its own last line.

    """

    /// BSM as its paper runs it for pairwise judging: the criteria, a 1-5 score per criterion
    /// for each response, the scores summed (no merge call), and the whole judged again with
    /// the responses swapped; verdicts that differ by position are a tie.
    static let bsmSum = """
    name: bsm-sum
    description: Branch-Solve-Merge as in its paper - criteria, a 1-5 score per criterion for each response, scores summed; judged in both orders, a tie when the verdicts differ.
    answer_from: score_sum
    both_orders: true
    steps:
    \(bsmBranchAndSolve)\
          Explain briefly how well each response meets it, then score each from 1 (poor) to 5 \
    (excellent) on a last line of the form "Response A: <score>/5, Response B: <score>/5".
        max_tokens: 300

    """
}
