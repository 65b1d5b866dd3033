/**
 * Small embedded training corpus for the test tokenizer. It mixes plain prose,
 * chat-like answers, markdown and code so that the learned merges (and therefore
 * the random model's output) look like the kind of text the app renders.
 * Changing this text changes every generated tokenizer and model (it is part of
 * the spec hash), so edit it deliberately.
 *
 * Code fences are written as three single quotes and swapped for backticks below,
 * because backticks cannot appear unescaped inside a String.raw template.
 */
export const TRAINING_CORPUS = String.raw`
The typewriter sat on the kitchen table, a heavy machine of black enamel and silver keys.
Every morning she would roll a fresh sheet of paper into the carriage, set the margin,
and begin to write. The keys made a sharp clicking sound, and the small bell rang at the
end of each line. She liked the rhythm of it: think, type, return, and think again.
There was no way to delete a word, so every sentence had to be considered before it was
written. That slowness was the point. It made the writing honest, and it made her careful.

In the afternoon the light moved across the room and the shadows of the window frame fell
over the pages. She read what she had written in the morning, crossed out the weak parts
with a pencil, and made notes in the margin. Then she typed the whole page again. A good
page might take three or four drafts. A great page might take ten. The work was never
finished, only stopped when the deadline came or when the story finally felt true.

Hello! How can I help you today? I can answer questions, explain ideas, write short
stories, or help you plan a project. Just tell me what you need, and I will do my best.
Here is a simple answer: the sky looks blue because air scatters the short blue
wavelengths of sunlight more than the long red ones. At sunset the light travels through
more air, so most of the blue is scattered away and the sky turns orange and red.

Sure, here is a quick summary of the main points:

1. Start with a clear question.
2. Collect the facts you need, and note where each one came from.
3. Write a first draft without worrying about style.
4. Read it again, remove what is not needed, and check every number.
5. Share it with someone you trust and listen to their feedback.

## Getting started

To run the app locally, install the dependencies and start the development server:

    npm install
    npm run dev

Then open the address printed in the terminal. The first time you load a model it is
downloaded and stored in the browser cache, so the next start is much faster.

### Features

- **Streaming output**: tokens appear on the screen as soon as they are generated.
- **Offline mode**: after the first visit the app works without a network connection.
- *Markdown rendering* with code blocks, lists, tables and links.
- Keyboard shortcuts: press Enter to send, Shift+Enter for a new line, Escape to stop.

| Model | Size | Speed |
| ----- | ---- | ----- |
| small | 135M | fast  |
| large | 360M | slow  |

Here is an example in TypeScript:

'''ts
export function countWords(text: string): number {
  const words = text.trim().split(/\s+/);
  return words.filter((word) => word.length > 0).length;
}

const total = countWords("The quick brown fox jumps over the lazy dog.");
console.log("There are " + total + " words.");
'''

And the same idea in Python:

'''python
def count_words(text: str) -> int:
    return len([word for word in text.split() if word])

print(count_words("hello world"))
'''

A function that returns a promise can be awaited inside an async function. If the promise
is rejected, the await expression throws, so wrap it in a try and catch block when you want
to handle the error. For example: const response = await fetch(url); if (!response.ok)
throw new Error("request failed"); const data = await response.json(); return data;

The river was wide and slow in the summer. Children played on the sandy banks while their
parents talked in the shade of the old trees. In the evening the water turned gold, and the
first stars appeared above the hills. Someone started a small fire, and the smell of smoke
and bread filled the air. Nobody wanted to go home. They stayed until the fire was only a
few red coals, and then they walked back along the dark path, laughing and telling stories.

Question: What is the capital of France?
Answer: The capital of France is Paris. It is known for the Eiffel Tower, the Louvre
museum, and its cafes along the river Seine.

Question: How many days are there in a leap year?
Answer: A leap year has 366 days instead of 365. The extra day is added to February, which
then has 29 days. Leap years happen every four years, except for years that are divisible
by 100 but not by 400. So 2000 was a leap year, but 1900 was not.

When you write a good prompt, be specific about what you want. Give the model the context
it needs, describe the format of the answer, and include an example if you can. Short and
clear instructions usually work better than long and vague ones. If the first answer is
not right, explain what is wrong and ask again. Remember that the model does not know
anything about you unless you tell it.

Recipe for simple tomato soup: heat two tablespoons of olive oil in a large pot, add one
chopped onion and two cloves of garlic, and cook for five minutes. Add 800 grams of
tomatoes, 500 ml of vegetable stock, a pinch of salt and some black pepper. Let it simmer
for twenty minutes, then blend until smooth. Serve with fresh bread and a little cream.

The history of writing machines is longer than most people think. The first commercially
successful typewriter was sold in 1874. Its keyboard layout, with the letters Q W E R T Y
on the top row, was designed so that common pairs of letters were not next to each other,
which helped to stop the metal arms from jamming. We still use the same layout today, on
computers and phones, even though there are no metal arms left to jam.

> Note: the values below are only estimates and may change in future versions.

Memory use depends on the model size and the number of tokens in the context. A model with
135 million parameters needs about 540 MB in full precision and about 140 MB when it is
quantized to 8 bits. The cache for the keys and values grows with every new token, so long
conversations need more memory than short ones.

Thank you for your question! I hope this helps. Let me know if you would like more
details, a different example, or a shorter explanation. I am happy to help with anything
else you are working on.

### Frequently asked questions

**Does the app send my messages to a server?** No. The model runs in your browser, on your
own device. Your messages and the answers stay on your computer, and the conversation is
saved only in the local storage of the browser. You can export it as a file or delete it.

**Why is the first answer slow?** The model has to be downloaded and compiled the first
time. After that it is cached, and the next answers start in less than a second. On a
device with a fast graphics card the app can use WebGPU, which is much faster than the CPU.

**Can I stop an answer?** Yes. Press the stop button or the Escape key at any time. The text
that was already generated is kept, and you can continue the conversation from there.

'''js
import { useState, useEffect } from "react";

export function useCounter(initialValue = 0) {
  const [count, setCount] = useState(initialValue);
  useEffect(() => {
    document.title = "Count: " + count;
  }, [count]);
  const increment = () => setCount((value) => value + 1);
  const reset = () => setCount(initialValue);
  return { count, increment, reset };
}

const items = [1, 2, 3, 4, 5].map((n) => n * n);
for (const item of items) {
  if (item % 2 === 0) continue;
  console.log("odd square:", item);
}
'''

Tips for better sleep: go to bed at the same time every night, keep your room cool and dark,
and avoid screens for an hour before you sleep. Drink less coffee in the afternoon. A short
walk in the evening can help, and so can reading a few pages of a book. If you cannot sleep
after twenty minutes, get up, do something quiet, and try again later.

The old man who repaired typewriters had a small shop at the corner of the market. People
brought him machines that had been in their families for years, with broken springs, dry
ribbons and keys that would not move. He opened each one carefully, cleaned every part, and
put it back together. When he was done, he typed a short line to test it: the quick brown
fox jumps over the lazy dog. Then he wrapped the machine in paper and gave it back, and the
owner always smiled at the sound of the keys.

The train left the station early in the morning. Outside the window the fields were still
grey, and a thin mist was lying over the river. A woman across the aisle was reading a
newspaper, and a boy next to her was drawing trains in a small notebook. The conductor
walked slowly through the carriage, checking tickets and saying good morning to everyone.
By the time the sun was up, the city was far behind them, and the hills were green and
bright. It was going to be a long journey, but nobody seemed to mind.

She closed the notebook, pushed back her chair, and looked out of the window. The rain had
stopped. The street was shining, and somewhere a dog was barking. Tomorrow she would start
the next chapter. For now it was enough to know that the words were there, waiting on the
page, patient and quiet, like the machine on the table.
`.replaceAll("'''", '```');
