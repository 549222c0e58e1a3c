//! The French golden rules of sentencex (`../shared/data/dev-eval/sentences/sentencex_fr.txt`: blocks
//! of input, `---`, one expected sentence a line, `===`). Nothing from the file is copied here.

use toolkit_sentences::Segmenter;

use crate::shared_file;

#[test]
fn every_french_golden_rule_passes() {
    let Some(rules) = shared_file("sentencex_fr.txt") else {
        return;
    };
    let seg = Segmenter::french();
    let mut failures = Vec::new();
    let mut count = 0;
    for block in rules.split("===").filter(|b| !b.trim().is_empty()) {
        let Some((input, expected)) = block.split_once("---") else {
            panic!("malformed golden rule block: {block:?}");
        };
        let input = input.trim();
        let expected: Vec<&str> = expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let got: Vec<&str> = seg.split(input).iter().map(|s| s.text(input)).collect();
        count += 1;
        if got != expected {
            failures.push(format!(
                "input:    {input}\nexpected: {expected:#?}\ngot:      {got:#?}"
            ));
        }
    }
    assert!(count >= 6, "only {count} golden rules found");
    assert!(
        failures.is_empty(),
        "{} of {count} failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
