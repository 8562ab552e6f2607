"""Japanese: every key of ``LABELS`` (vocabularies.py), in polite form. Where Amplify UI's Japanese
dictionary words the same phrase, this table agrees with it (without its stray trailing spaces)."""

# ruff: noqa: RUF001 (Japanese punctuation is full-width by design)
from __future__ import annotations

__all__ = ["JA"]

JA: dict[str, str] = {
    # sign in
    "Sign in to your account": "アカウントにサインイン", "Email": "メールアドレス", "Phone Number": "電話番号",
    "Username": "ユーザー名", "Email or Phone Number": "メールアドレスまたは電話番号", "Password": "パスワード",
    "Enter your Password": "パスワードを入力", "Sign In": "サインイン",
    "Forgot your password?": "パスワードをお忘れですか？", "Create Account": "アカウントを作成",
    "Sign In with Google": "Google でサインイン", "Sign In with Facebook": "Facebook でサインイン",
    "Sign In with Amazon": "Amazon でサインイン", "Sign In with {provider}": "{provider} でサインイン",
    "or": "または",
    # challenges
    "Confirm SMS Code": "SMS コードを確認", "Confirm TOTP Code": "TOTP コードを確認",
    "Confirm Email Code": "メールのコードを確認", "Confirm Sign In": "サインインを確認", "Code": "コード",
    "Enter your code": "コードを入力", "Confirm": "確定", "Back to Sign In": "サインインに戻る",
    "Enter the code from your authenticator app": "認証アプリに表示されたコードを入力してください",
    "Select MFA Type": "MFA の種類を選択", "Continue": "続行", "SMS": "SMS",
    "Authenticator App (TOTP)": "認証アプリ (TOTP)", "No MFA": "MFA なし", "Setup TOTP": "TOTP をセットアップ",
    "Scan this QR code with your authenticator app, or enter the key below":
        "認証アプリでこの QR コードをスキャンするか、下のキーを入力してください",
    "Change Password": "パスワードを変更", "New password": "新しいパスワード",
    "Enter your new password": "新しいパスワードを入力", "Confirm Password": "パスワードの確認",
    "Please confirm your Password": "パスワードをもう一度入力してください", "Custom Challenge": "カスタムチャレンジ",
    "Answer": "回答", "Enter your answer": "回答を入力",
    # choice-based sign-in and e-mail MFA set-up
    "Choose how to sign in": "サインイン方法を選択", "Sign In with Password": "パスワードでサインイン",
    "Sign In with Email": "メールでサインイン", "Sign In with SMS": "SMS でサインイン",
    "Setup Email": "メールをセットアップ", "Enter your Email": "メールアドレスを入力",
    "Multi-Factor Authentication Setup": "多要素認証のセットアップ",
    # the hosted UI
    "Sign In with Apple": "Apple でサインイン", "Sign In with the Hosted UI": "ホストされたページでサインイン",
    "Open the sign-in page": "サインインページを開く",
    "Sign in on the page that opens; this notebook continues by itself":
        "開いたページでサインインしてください。このノートブックは自動的に続行します",
    "After signing in, copy the address your browser ended on and paste it here":
        "サインイン後、ブラウザーに最後に表示されたアドレスをコピーしてここに貼り付けてください",
    "Address your browser ended on": "ブラウザーに最後に表示されたアドレス",
    "Paste the whole address from the address bar": "アドレスバーのアドレス全体を貼り付けてください",
    "Cancel": "キャンセル", "Sign out of the hosted UI too": "ホストされたページからもサインアウト",
    # attributes
    "Name": "名前", "Given Name": "名", "Family Name": "姓", "Middle Name": "ミドルネーム", "Nickname": "ニックネーム",
    "Preferred Username": "希望のユーザー名", "Birthdate": "生年月日", "Address": "住所", "Gender": "性別",
    "Locale": "ロケール", "Picture": "写真", "Profile": "プロフィール", "Website": "ウェブサイト",
    "Zone Info": "タイムゾーン",
    # sign up, reset, verify, signed in
    "Confirm Sign Up": "サインアップを確認", "Confirmation Code": "確認コード", "Resend Code": "コードを再送信",
    "Reset Password": "パスワードをリセット", "Send code": "コードを送信", "Submit": "送信",
    "Account recovery requires verified contact information": "アカウントの復旧には確認済みの連絡先が必要です",
    "Verify": "確認", "Skip": "スキップ", "Hello, {name}": "こんにちは、{name} さん", "Hello": "こんにちは",
    "Not signed in": "サインインしていません", "Sign Out": "サインアウト", "Verify Security Token": "コードを確認",
    "Success! Your MFA Type is now: {mfa_type}": "完了しました。MFA の種類は次のとおりです: {mfa_type}",
    "TOTP has been set up successfully": "TOTP のセットアップが完了しました",
    # form controls and live checks
    "Show password": "パスワードを表示", "Hide password": "パスワードを非表示", "Show": "表示", "Hide": "非表示",
    "Copy": "コピー", "Copied": "コピーしました", "Key": "キー",
    "QR code for your authenticator app": "認証アプリ用の QR コード",
    "Password must have at least {n} characters": "パスワードは {n} 文字以上にしてください",
    "Password must have lower case letters": "パスワードには小文字を含めてください",
    "Password must have upper case letters": "パスワードには大文字を含めてください",
    "Password must have numbers": "パスワードには数字を含めてください",
    "Password must have special characters": "パスワードには記号を含めてください",
    # notices
    "We emailed you a code at {destination}": "{destination} にコードをメールで送信しました",
    "We texted you a code at {destination}": "{destination} にコードを SMS で送信しました",
    "Account created; sign in": "アカウントを作成しました。サインインしてください",
    "Account confirmed; sign in": "アカウントを確認しました。サインインしてください",
    "Password changed; sign in": "パスワードを変更しました。サインインしてください",
    "Your password must be reset before you sign in": "サインインする前にパスワードをリセットする必要があります",
    # errors
    "Your passwords must match": "パスワードが一致しません",
    "Something went wrong; please try again": "問題が発生しました。もう一度お試しください",
    "Incorrect username or password.": "ユーザー名またはパスワードが正しくありません。",
    "User does not exist.": "ユーザーが存在しません。", "User already exists": "ユーザーは既に存在します",
    "User is disabled.": "ユーザーは無効になっています。", "User is not confirmed.": "ユーザーは確認されていません。",
    "Invalid verification code provided, please try again.": "確認コードが無効です。もう一度お試しください。",
    "Invalid code provided, please request a code again.": "コードが無効です。コードを再度リクエストしてください。",
    "Attempt limit exceeded, please try after some time.":
        "試行回数の上限を超えました。しばらくしてからもう一度お試しください。",
    "Invalid session for the user, session is expired.":
        "セッションの有効期限が切れました。もう一度サインインしてください。",
    "An account with the given email already exists.": "このメールアドレスのアカウントは既に存在します。",
    "username is empty": "ユーザー名が入力されていません", "password is empty": "パスワードが入力されていません",
    "code is empty": "コードが入力されていません", "new_password is empty": "新しいパスワードが入力されていません",
    "answer is empty": "回答が入力されていません",
    "code must be letters and digits only": "コードには英字と数字のみ使用できます",
    "email is empty": "メールアドレスが入力されていません",
    "email must be an e-mail address": "メールアドレスを入力してください",
    "Invalid code or auth state for the user.": "コードが無効です。もう一度お試しください。",
    # Amplify's sign-up heading and placeholders, and more of Cognito's messages
    "Create a new account": "新しいアカウントを作成", "Enter your username": "ユーザー名を入力",
    "Enter your Phone Number": "電話番号を入力",
    "Password attempts exceeded": "パスワードの試行回数が上限に達しました",
    "Username/client id combination not found.": "ユーザーが存在しません。",
    "Password reset required for the user": "パスワードのリセットが必要です",
    "Temporary password has expired and must be reset by an administrator.":
        "一時パスワードの有効期限が切れました。管理者によるリセットが必要です。",
    "Invalid session for the user.": "セッションが無効です。もう一度サインインしてください。",
    "An account with the given phone number already exists.": "この電話番号のアカウントは既に存在します。",
    "User cannot be confirmed. Current status is CONFIRMED": "このアカウントは既に確認済みです",
    "Cannot reset password for the user as there is no registered/verified email or phone_number":
        "確認済みのメールアドレスまたは電話番号がないため、パスワードをリセットできません",
    "Code mismatch and fail enable Software Token MFA": "コードが一致しないため、TOTP を有効にできませんでした",
    "Invalid email address format.": "メールアドレスの形式が無効です。",
    "Invalid phone number format.": "電話番号の形式が無効です。",
    "Password did not conform with policy: Password not long enough":
        "パスワードがポリシーを満たしていません: 短すぎます",
    "Password did not conform with policy: Password must have uppercase characters":
        "パスワードがポリシーを満たしていません: 大文字を含める必要があります",
    "Password did not conform with policy: Password must have lowercase characters":
        "パスワードがポリシーを満たしていません: 小文字を含める必要があります",
    "Password did not conform with policy: Password must have numeric characters":
        "パスワードがポリシーを満たしていません: 数字を含める必要があります",
    "Password did not conform with policy: Password must have symbol characters":
        "パスワードがポリシーを満たしていません: 記号を含める必要があります",
    "{label} is required": "{label}は必須です",
}
