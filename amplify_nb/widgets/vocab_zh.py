"""Simplified Chinese: every key of ``LABELS`` (vocabularies.py). Where Amplify UI's Chinese dictionary words
the same phrase, this table agrees with it; "zh-CN" and "zh-TW" fall back to it (the base-language rule)."""

# ruff: noqa: RUF001 (Chinese punctuation is full-width by design)
from __future__ import annotations

__all__ = ["ZH"]

ZH: dict[str, str] = {
    # sign in
    "Sign in to your account": "登录账户", "Email": "邮箱", "Phone Number": "电话号码", "Username": "用户名",
    "Email or Phone Number": "邮箱或电话号码", "Password": "密码", "Enter your Password": "输入密码",
    "Sign In": "登录", "Forgot your password?": "忘记密码了？", "Create Account": "创建账户",
    "Sign In with Google": "通过 Google 登录", "Sign In with Facebook": "通过 Facebook 登录",
    "Sign In with Amazon": "通过 Amazon 登录", "Sign In with {provider}": "通过 {provider} 登录", "or": "或者",
    # challenges
    "Confirm SMS Code": "确认短信验证码", "Confirm TOTP Code": "确认 TOTP 代码", "Confirm Email Code": "确认邮件验证码",
    "Confirm Sign In": "确认登录", "Code": "验证码", "Enter your code": "输入验证码", "Confirm": "确认",
    "Back to Sign In": "回到登录", "Enter the code from your authenticator app": "输入身份验证器应用中的验证码",
    "Select MFA Type": "选择 MFA 类型", "Continue": "继续", "SMS": "短信",
    "Authenticator App (TOTP)": "身份验证器应用 (TOTP)", "No MFA": "不使用 MFA", "Setup TOTP": "设置 TOTP",
    "Scan this QR code with your authenticator app, or enter the key below":
        "用身份验证器应用扫描此二维码，或输入下方的密钥",
    "Change Password": "更改密码", "New password": "新密码", "Enter your new password": "输入新密码",
    "Confirm Password": "确认密码", "Please confirm your Password": "请再次输入密码", "Custom Challenge": "自定义质询",
    "Answer": "答案", "Enter your answer": "输入答案",
    # choice-based sign-in and e-mail MFA set-up
    "Choose how to sign in": "选择登录方式", "Sign In with Password": "使用密码登录",
    "Sign In with Email": "使用邮箱登录", "Sign In with SMS": "使用短信登录", "Setup Email": "设置邮箱",
    "Enter your Email": "输入邮箱", "Multi-Factor Authentication Setup": "多重身份验证设置",
    # the hosted UI
    "Sign In with Apple": "通过 Apple 登录", "Sign In with the Hosted UI": "在托管页面登录",
    "Open the sign-in page": "打开登录页面",
    "Sign in on the page that opens; this notebook continues by itself": "请在打开的页面中登录；此笔记本会自动继续",
    "After signing in, copy the address your browser ended on and paste it here":
        "登录后，复制浏览器最终停留的地址并粘贴到此处",
    "Address your browser ended on": "浏览器最终停留的地址",
    "Paste the whole address from the address bar": "粘贴地址栏中的完整地址",
    "Cancel": "取消", "Sign out of the hosted UI too": "同时退出托管页面",
    # attributes
    "Name": "姓名", "Given Name": "名", "Family Name": "姓", "Middle Name": "中间名", "Nickname": "昵称",
    "Preferred Username": "首选用户名", "Birthdate": "出生日期", "Address": "地址", "Gender": "性别",
    "Locale": "语言区域", "Picture": "头像", "Profile": "个人主页", "Website": "网站", "Zone Info": "时区",
    # sign up, reset, verify, signed in
    "Confirm Sign Up": "确认注册", "Confirmation Code": "确认码", "Resend Code": "重发验证码",
    "Reset Password": "重置密码", "Send code": "发送验证码", "Submit": "提交",
    "Account recovery requires verified contact information": "账户恢复需要验证过的联系方式",
    "Verify": "验证", "Skip": "跳过", "Hello, {name}": "您好，{name}", "Hello": "您好", "Not signed in": "未登录",
    "Sign Out": "退出登录", "Verify Security Token": "验证安全令牌",
    "Success! Your MFA Type is now: {mfa_type}": "成功！您的 MFA 类型现在是：{mfa_type}",
    "TOTP has been set up successfully": "TOTP 设置成功",
    # form controls and live checks
    "Show password": "显示密码", "Hide password": "隐藏密码", "Show": "显示", "Hide": "隐藏", "Copy": "复制",
    "Copied": "已复制", "Key": "密钥", "QR code for your authenticator app": "身份验证器应用的二维码",
    "Password must have at least {n} characters": "密码至少需要 {n} 个字符",
    "Password must have lower case letters": "密码必须包含小写字母",
    "Password must have upper case letters": "密码必须包含大写字母",
    "Password must have numbers": "密码必须包含数字", "Password must have special characters": "密码必须包含特殊字符",
    # notices
    "We emailed you a code at {destination}": "我们已通过电子邮件将验证码发送至 {destination}",
    "We texted you a code at {destination}": "我们已通过短信将验证码发送至 {destination}",
    "Account created; sign in": "账户已创建，请登录", "Account confirmed; sign in": "账户已确认，请登录",
    "Password changed; sign in": "密码已更改，请登录",
    "Your password must be reset before you sign in": "登录前必须重置密码",
    # errors
    "Your passwords must match": "两次输入的密码必须一致", "Something went wrong; please try again": "出错了，请重试",
    "Incorrect username or password.": "用户名或密码错误。", "User does not exist.": "用户不存在。",
    "User already exists": "用户已经存在", "User is disabled.": "用户已被禁用。",
    "User is not confirmed.": "用户尚未确认。",
    "Invalid verification code provided, please try again.": "验证码无效，请重试。",
    "Invalid code provided, please request a code again.": "验证码无效，请重新获取验证码。",
    "Attempt limit exceeded, please try after some time.": "尝试次数已达上限，请稍后再试。",
    "Invalid session for the user, session is expired.": "会话已过期，请重新登录。",
    "An account with the given email already exists.": "该邮箱的账户已存在。",
    "username is empty": "用户名为空", "password is empty": "密码为空", "code is empty": "验证码为空",
    "new_password is empty": "新密码为空", "answer is empty": "答案为空",
    "code must be letters and digits only": "验证码只能包含字母和数字", "email is empty": "邮箱为空",
    "email must be an e-mail address": "请输入邮箱地址",
    "Invalid code or auth state for the user.": "验证码无效，请重试。",
    # Amplify's sign-up heading and placeholders, and more of Cognito's messages
    "Create a new account": "创建新账户", "Enter your username": "输入用户名",
    "Enter your Phone Number": "输入电话号码",
    "Password attempts exceeded": "密码尝试次数过多，请稍后再试",
    "Username/client id combination not found.": "用户不存在。",
    "Password reset required for the user": "需要重置密码",
    "Temporary password has expired and must be reset by an administrator.": "临时密码已过期，必须由管理员重置。",
    "Invalid session for the user.": "会话无效，请重新登录。",
    "An account with the given phone number already exists.": "该电话号码的账户已存在。",
    "User cannot be confirmed. Current status is CONFIRMED": "该账户已确认",
    "Cannot reset password for the user as there is no registered/verified email or phone_number":
        "无法重置密码：没有已验证的邮箱或电话号码",
    "Code mismatch and fail enable Software Token MFA": "验证码不匹配，未能启用 TOTP",
    "Invalid email address format.": "邮箱格式无效。", "Invalid phone number format.": "电话号码格式无效。",
    "Password did not conform with policy: Password not long enough": "密码不符合策略：长度不足",
    "Password did not conform with policy: Password must have uppercase characters": "密码不符合策略：必须包含大写字母",
    "Password did not conform with policy: Password must have lowercase characters": "密码不符合策略：必须包含小写字母",
    "Password did not conform with policy: Password must have numeric characters": "密码不符合策略：必须包含数字",
    "Password did not conform with policy: Password must have symbol characters": "密码不符合策略：必须包含特殊字符",
    "{label} is required": "{label}为必填项",
}
